import Testing

@testable import BastionProtocol

struct JSONWriterTests {
    @Test(arguments: [
        (JSONValue.null, "null"),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.int(0), "0"),
        (.int(7), "7"),
        (.int(-42), "-42"),
        (.int(1_000_000), "1000000"),
        (.int(Int64.max), "9223372036854775807"),
        (.int(Int64.min), "-9223372036854775808"),
        (.double(1.5), "1.5"),
        (.double(1.0), "1.0"),
        (.double(-0.25), "-0.25"),
        (.double(1e300), "1e+300"),
        (.double(.leastNonzeroMagnitude), "5e-324"),
        (.double(0.1), "0.1"),
        (.string("hi"), #""hi""#),
        (.string(""), #""""#),
        (.array([]), "[]"),
        (.object([:]), "{}"),
    ])
    func writesScalarsAndEmptyContainers(value: JSONValue, expected: String) {
        #expect(JSONWriter.string(value) == expected)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func writesNonFiniteDoublesAsNull(number: Double) {
        #expect(JSONWriter.string(.double(number)) == "null")
        #expect(JSONWriter.string(.array([.double(number)])) == "[null]")
    }

    @Test(arguments: [
        ("\"", #""\"""#),
        ("\\", #""\\""#),
        ("\n", #""\n""#),
        ("\r", #""\r""#),
        ("\t", #""\t""#),
        ("\u{08}", #""\b""#),
        ("\u{0C}", #""\f""#),
        ("\u{0}", #""\u0000""#),
        ("\u{01}", #""\u0001""#),
        ("\u{1B}", #""\u001b""#),
        ("\u{1F}", #""\u001f""#),
        ("/", #""/""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("é€😀", "\"é€😀\""),
        ("\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),
        ("a\"b\\c\nd", #""a\"b\\c\nd""#),
    ])
    func escapesStringsPerRFC8259(string: String, expected: String) {
        #expect(JSONWriter.string(.string(string)) == expected)
    }

    @Test func writesCompactOutput() {
        let value: JSONValue = [1, [2, 3], [:], ["k": "v"], .null, true]
        #expect(JSONWriter.string(value) == #"[1,[2,3],{},{"k":"v"},null,true]"#)
    }

    @Test func sortsObjectKeysByUTF8Bytes() {
        let value: JSONValue = ["b": 1, "a": 2, "aa": 3, "B": 4, "é": 5, "z": ["y": 1, "x": 2]]
        #expect(JSONWriter.string(value) == #"{"B":4,"a":2,"aa":3,"b":1,"z":{"x":2,"y":1},"é":5}"#)
    }

    @Test func outputIsDeterministic() throws {
        var members: [String: JSONValue] = [:]
        for index in 0..<200 { members["key\(index)"] = .int(Int64(index)) }
        let first = JSONWriter.encode(.object(members))
        let rebuilt = Dictionary(uniqueKeysWithValues: members.shuffled())
        #expect(JSONWriter.encode(.object(rebuilt)) == first)
        #expect(try JSONParser.parse(first) == .object(members))
    }

    @Test func neverEmitsALineFeedOrCarriageReturn() {
        let text = "line one\nline two\r\n\u{0B}\u{0C}end"
        let value: JSONValue = [text: [.string(text), [text: .string(text)]], "plain": 1]
        let bytes = JSONWriter.encode(value)
        #expect(!bytes.contains(0x0A))
        #expect(!bytes.contains(0x0D))
        #expect(!bytes.contains { $0 < 0x20 })
    }

    @Test func appendsToExistingBytes() {
        var output = Array("prefix:".utf8)
        JSONWriter.write(["a": [1, 2]], into: &output)
        JSONWriter.write(.null, into: &output)
        #expect(String(decoding: output, as: UTF8.self) == #"prefix:{"a":[1,2]}null"#)
    }

    @Test func encodeAndStringAgree() {
        let value: JSONValue = ["id": 17, "result": ["content": [["type": "text", "text": "hé\n"]]]]
        #expect(String(decoding: JSONWriter.encode(value), as: UTF8.self) == JSONWriter.string(value))
    }

    @Test(arguments: [
        #"{"id":17,"jsonrpc":"2.0","method":"tools/call","params":{"arguments":{"text":"hello world"},"name":"echo"}}"#,
        #"[1,-2,3.25,-1e-07,1e+300,"\u0000\u001f\"\\\n\r\t\b\f",true,false,null,[],{}]"#,
        #"{"a":{"b":{"c":[[["deep"]]]}},"é":"€😀"}"#,
    ])
    func canonicalTextSurvivesParseAndWrite(text: String) throws {
        #expect(JSONWriter.string(try JSONParser.parse(text)) == text)
    }

    @Test(arguments: [
        JSONValue.string("\u{0}\u{1F}\"\\/\u{7F}é\u{10FFFF}"),
        .double(0.30000000000000004),
        .double(-1.7976931348623157e308),
        .double(2.2250738585072014e-308),
        .int(Int64.min),
        ["nested": [[1.5, "x"], ["k": [:]]], "empty": []],
    ])
    func valuesSurviveWriteAndParse(value: JSONValue) throws {
        #expect(try JSONParser.parse(JSONWriter.encode(value)) == value)
    }

    @Test func writesDeepValuesWithoutRecursing() {
        var value: JSONValue = .null
        for _ in 0..<5_000 { value = .array([value]) }
        let bytes = JSONWriter.encode(value)
        #expect(bytes.count == 5_000 * 2 + 4)
        #expect(bytes.prefix(3) == [0x5B, 0x5B, 0x5B])
        dismantle(consume value)
    }

    @Test func aLazyStringIsWrittenQuotedInPlace() {
        let lazy = LazyJSONString(byteCount: 4) { $0.copyBytes(from: "QUJD".utf8) }
        #expect(JSONWriter.string(["data": .lazyString(lazy), "type": "image"]) == #"{"data":"QUJD","type":"image"}"#)
    }

    @Test func aLargeLazyStringIsAllocatedOnceWithRoomForTheRestOfTheMessage() {
        let count = 4 << 20
        let lazy = LazyJSONStringTests.repeated(UInt8(ascii: "A"), count: count)
        var output: [UInt8] = []
        output.reserveCapacity(256)
        JSONWriter.write(
            ["content": [["data": .lazyString(lazy), "mimeType": "image/png", "type": "image"]]],
            into: &output
        )
        let text = String(decoding: output, as: UTF8.self)
        let prefix = #"{"content":[{"data":""#
        let suffix = #"","mimeType":"image/png","type":"image"}]}"#
        #expect(text.hasPrefix(prefix + "AAAA"))
        #expect(text.hasSuffix("AAAA" + suffix))
        #expect(output.count == prefix.utf8.count + count + suffix.utf8.count)
        // Grown to the final size at once: growth by doubling would have left twice the size behind.
        #expect(output.capacity < count + 2 * JSONWriter.lazyStringSlack)
        output.append(0x0A)
        #expect(output.capacity < count + 2 * JSONWriter.lazyStringSlack)
    }

    @Test(arguments: ["a\nb", "quote\"", "back\\slash", "caf\u{E9}", "\u{0}"])
    func aLazyStringThatNeedsEscapingIsEscaped(content: String) throws {
        let bytes = Array(content.utf8)
        let lazy = LazyJSONString(byteCount: bytes.count) { $0.copyBytes(from: bytes) }
        let written = JSONWriter.string(.lazyString(lazy))
        #expect(written == JSONWriter.string(.string(content)))
        #expect(!written.utf8.contains(0x0A))
        #expect(try JSONParser.parse(written) == .string(content))
    }

    @Test func aLargePlainStringIsGivenItsRoomAtOnce() {
        let count = (4 << 20) + 12_345
        let text = String(repeating: "t", count: count)
        var output: [UInt8] = []
        output.reserveCapacity(256)
        JSONWriter.write(["content": [["text": .string(text), "type": "text"]]], into: &output)
        #expect(output.count == count + #"{"content":[{"text":"","type":"text"}]}"#.utf8.count)
        // Doubling from 256 bytes would end near 8 MiB for a 4 MiB string.
        #expect(output.capacity < count + 2 * JSONWriter.lazyStringSlack)
    }

    @Test func invalidUTF8FromALazyStringIsRepaired() throws {
        let lazy = LazyJSONString(byteCount: 2) { $0.copyBytes(from: [0xFF, UInt8(ascii: "a")]) }
        let written = JSONWriter.string(.lazyString(lazy))
        #expect(try JSONParser.parse(written) == .string("\u{FFFD}a"))
    }
}

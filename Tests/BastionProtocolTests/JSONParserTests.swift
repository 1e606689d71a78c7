import Synchronization
import Testing

@testable import BastionProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Parses `bytes` and returns the error, or `nil` when parsing succeeded.
private func parseError(_ bytes: [UInt8], limits: JSONLimits = .default) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

private func parseError(_ text: String, limits: JSONLimits = .default) -> JSONParseError? {
    parseError(Array(text.utf8), limits: limits)
}

/// `count` nested arrays: `[[[…]]]`.
private func nestedArrays(_ count: Int) -> String {
    String(repeating: "[", count: count) + String(repeating: "]", count: count)
}

struct JSONParserTests {
    // MARK: Values

    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        (#""hi""#, .string("hi")),
        (#""""#, .string("")),
        ("[]", .array([])),
        ("{}", .object([:])),
        (" \t\r\n[1, \"a\" ,null]\n", .array([.int(1), .string("a"), .null])),
        (#"{"a":{"b":[true,false]}}"#, .object(["a": .object(["b": .array([.bool(true), .bool(false)])])])),
        (#"[[],{},[[]]]"#, .array([.array([]), .object([:]), .array([.array([])])])),
    ])
    func parsesValues(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test func parsesATypicalMCPRequest() throws {
        let text =
            #"{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"}}}"#
        let value = try JSONParser.parse(text)
        #expect(value["jsonrpc"] == .string("2.0"))
        #expect(value["id"] == .int(17))
        #expect(value["method"]?.stringValue == "tools/call")
        #expect(value["params"]?["arguments"]?["text"] == .string("hello world"))
    }

    @Test func everyOverloadGivesTheSameValue() throws {
        let text = #" {"k":[1,2.5,"\u00e9"]} "#
        let bytes = Array(text.utf8)
        let expected = try JSONParser.parse(text)
        #expect(try JSONParser.parse(bytes) == expected)
        #expect(try JSONParser.parse(bytes[...]) == expected)
        #expect(try bytes.withUnsafeBytes { buffer in try JSONParser.parse(buffer) } == expected)
        #expect(expected == .object(["k": .array([.int(1), .double(2.5), .string("é")])]))
    }

    @Test func sliceOffsetsAreRelativeToTheSlice() {
        let bytes = Array("xxxx[1,]".utf8)
        let error = parseError(Array(bytes[4...]))
        let sliceError: JSONParseError?
        do {
            _ = try JSONParser.parse(bytes[4...])
            sliceError = nil
        } catch {
            sliceError = error
        }
        #expect(sliceError?.code == .syntax)
        #expect(sliceError?.offset == error?.offset)
        #expect(sliceError?.offset == 3)
    }

    // MARK: Strings

    @Test func decodesEverySimpleEscape() throws {
        let value = try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\t"))
    }

    @Test(arguments: [
        (#""\u0041""#, "A"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\u20AC""#, "€"),
        (#""\u0000""#, "\u{0}"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\udbff\udfff""#, "\u{10FFFF}"),
        (#""a\nb\u0041c""#, "a\nbAc"),
        (#""é\t€""#, "é\t€"),
    ])
    func decodesUnicodeEscapesAndSurrogatePairs(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test func acceptsRawMultiByteUTF8() throws {
        let bytes: [UInt8] = [0x22, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x7F, 0x22]
        #expect(try JSONParser.parse(bytes) == .string("é€😀\u{7F}"))
    }

    @Test(arguments: [
        #""\uD800""#, #""\uDC00""#, #""\uD800\u0041""#, #""\uD800x""#, #""\uDBFF\uDBFF""#, #""\uDE00\uD83D""#,
    ])
    func rejectsLoneSurrogates(text: String) {
        let error = parseError(text)
        #expect(error?.code == .syntax)
        #expect(error?.offset == 1)
    }

    @Test(arguments: [#""\x""#, #""\u12G4""#, #""\u12""#, #""\U0041""#, #""\"#, #""abc"#, #"""#])
    func rejectsBadEscapesAndUnterminatedStrings(text: String) {
        #expect(parseError(text)?.code == .syntax)
    }

    @Test(
        arguments: [
            [0xC3, 0x28],  // lead byte followed by ASCII
            [0xFF],  // never valid
            [0xC0, 0xAF],  // overlong "/"
            [0xE0, 0x80, 0xAF],  // overlong, three bytes
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate encoded in UTF-8
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0x80],  // stray continuation byte
            [0xE2, 0x82],  // truncated before the closing quote
        ] as [[UInt8]]
    )
    func rejectsInvalidUTF8InStrings(sequence: [UInt8]) {
        let error = parseError([0x22, 0x61] + sequence + [0x22])
        #expect(error?.code == .invalidUTF8)
        #expect(error?.offset == 2)
    }

    @Test func rejectsInvalidUTF8AfterAnEscapeAndInKeys() {
        #expect(parseError([0x22, 0x5C, 0x6E, 0xFF, 0x22])?.code == .invalidUTF8)
        #expect(parseError([0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D])?.code == .invalidUTF8)
    }

    @Test(arguments: [0x00, 0x09, 0x0A, 0x0D, 0x1F] as [UInt8])
    func rejectsRawControlCharactersInStrings(byte: UInt8) {
        let error = parseError([0x22, 0x61, byte, 0x22])
        #expect(error?.code == .syntax)
        #expect(error?.offset == 2)
        #expect(parseError([0x22, 0x5C, 0x6E, byte, 0x22])?.code == .syntax)
    }

    // MARK: Numbers

    @Test(arguments: [
        ("0", JSONValue.int(0)),
        ("-0", .int(0)),
        ("7", .int(7)),
        ("-12", .int(-12)),
        ("1234567890", .int(1_234_567_890)),
        ("9223372036854775807", .int(Int64.max)),
        ("-9223372036854775808", .int(Int64.min)),
        ("1.0", .double(1.0)),
        ("0.5", .double(0.5)),
        ("-0.5", .double(-0.5)),
        ("1e2", .double(100)),
        ("1E2", .double(100)),
        ("1e+2", .double(100)),
        ("25e-1", .double(2.5)),
        ("1.5e3", .double(1500)),
        ("0e0", .double(0)),
        ("1e-400", .double(0)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("-9223372036854775809", .double(-9_223_372_036_854_775_808)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)),
    ])
    func parsesValidNumbers(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(arguments: [
        "01", "-01", "00", "+1", ".5", "1.", "1.e5", "1e", "1e+", "-", "--1", "- 1", "NaN", "Infinity",
        "-Infinity", "0x10", "1_000", "1.5.2", "1e5.5", "1e400", "-1e400",
    ])
    func rejectsInvalidNumbers(text: String) {
        #expect(parseError(text)?.code == .syntax)
    }

    @Test func integerLiteralsAreIntsAndOthersAreDoubles() throws {
        #expect(try JSONParser.parse("[3, 3.0, 3e0]") == .array([.int(3), .double(3), .double(3)]))
    }

    // MARK: Structure

    @Test func rejectsDuplicateKeys() {
        let error = parseError(#"{"a":1,"a":2}"#)
        #expect(error?.code == .syntax)
        #expect(error?.message == "duplicate key")
        #expect(error?.offset == 7)
    }

    @Test func rejectsDuplicateKeysSpelledDifferently() {
        #expect(parseError(#"{"a":1,"\u0061":2}"#)?.message == "duplicate key")
        // Canonically equivalent: precomposed é and e + combining acute accent.
        #expect(parseError(#"{"\u00e9":1,"e\u0301":2}"#)?.message == "duplicate key")
    }

    @Test func allowsTheSameKeyInDifferentObjects() throws {
        let value = try JSONParser.parse(#"{"a":{"a":1},"b":[{"a":2},{"a":3}]}"#)
        #expect(value["a"]?["a"] == .int(1))
        #expect(value["b"]?.arrayValue?.count == 2)
    }

    @Test(arguments: ["1 2", "{} x", "[1]]", "nullx", "truefalse", "\"a\"\"b\"", "0 0", "[] ,"])
    func rejectsTrailingData(text: String) {
        let error = parseError(text)
        #expect(error?.code == .syntax)
        #expect(error?.message == "unexpected data after the value")
    }

    @Test(arguments: [
        "[1,]", #"{"a":1,}"#, "[1 2]", #"{"a" 1}"#, "{1:2}", #"{"a"}"#, "[", "{", #"{"a":"#, "tru", "nul", "fals",
        "trUe", "[,1]", "]", "}", ":", ",", "'a'", "undefined", #"{"a":1 "b":2}"#, "[1:2]",
    ])
    func rejectsMalformedStructure(text: String) {
        #expect(parseError(text)?.code == .syntax)
    }

    @Test func reportsTheOffsetOfAnUnexpectedCharacter() {
        let error = parseError(#"{"id": 1, "x": @}"#)
        #expect(error?.message == "unexpected character")
        #expect(error?.offset == 15)
    }

    @Test func rejectsAByteOrderMark() {
        let error = parseError([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        #expect(error?.code == .syntax)
        #expect(error?.message == "byte order mark is not allowed")
        #expect(error?.offset == 0)
    }

    @Test(arguments: ["", " ", "\n\r\t "])
    func rejectsEmptyInput(text: String) {
        #expect(parseError(text)?.code == .syntax)
        #expect(parseError(text)?.message == "empty input")
    }

    @Test(arguments: ["\u{0B}1", "\u{0C}1", "1\u{A0}"])
    func acceptsOnlyJSONWhitespace(text: String) {
        #expect(parseError(text)?.code == .syntax)
    }

    // MARK: Limits

    @Test(arguments: [1, 5, 64])
    func acceptsNestingExactlyAtTheLimitAndRejectsOneMore(depth: Int) throws {
        let limits = JSONLimits(maxDepth: depth)
        #expect(try JSONParser.parse(nestedArrays(depth), limits: limits).arrayValue != nil)
        let error = parseError(nestedArrays(depth + 1), limits: limits)
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == depth)
    }

    @Test func countsObjectsAndArraysTogetherForDepth() throws {
        let limits = JSONLimits(maxDepth: 3)
        #expect(try JSONParser.parse(#"{"a":[{"b":1}]}"#, limits: limits)["a"] != nil)
        #expect(parseError(#"{"a":[{"b":{}}]}"#, limits: limits)?.code == .tooDeep)
        #expect(parseError(#"[[[[]]]]"#, limits: limits)?.code == .tooDeep)
        #expect(try JSONParser.parse("1", limits: JSONLimits(maxDepth: 0)) == .int(1))
        #expect(parseError("[]", limits: JSONLimits(maxDepth: 0))?.code == .tooDeep)
    }

    @Test func rejectsAHundredThousandOpenBracketsAsTooDeep() {
        let error = parseError([UInt8](repeating: UInt8(ascii: "["), count: 100_000))
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == 64)
    }

    @Test func parsesTenThousandLevelsWhenAllowed() throws {
        let value = try JSONParser.parse(nestedArrays(10_000), limits: JSONLimits(maxDepth: 10_000))
        var depth = 0
        var current = value
        while case .array(let elements) = current {
            depth += 1
            current = elements.first ?? .null
        }
        #expect(depth == 10_000)
        dismantle(consume value)
    }

    #if canImport(Glibc)
    @Test func parsesAndWritesAHundredThousandLevelsOnA512KiBStack() {
        let outcome = Mutex<(depth: Int, written: Int)?>(nil)
        runOnSmallStack {
            let text = nestedArrays(100_000)
            guard let value = try? JSONParser.parse(text, limits: JSONLimits(maxDepth: 100_000)) else { return }
            let written = JSONWriter.encode(value).count
            var depth = 0
            var current = value
            while case .array(let elements) = current, let first = elements.first {
                depth += 1
                current = first
            }
            dismantle(consume value)
            outcome.withLock { $0 = (depth + 1, written) }
        }
        let result = outcome.withLock { $0 }
        #expect(result?.depth == 100_000)
        #expect(result?.written == 200_000)
    }
    #endif

    @Test func rejectsInputLargerThanTheLimit() {
        let limits = JSONLimits(maxBytes: 10)
        let error = parseError("[1,2,3,4,5]", limits: limits)
        #expect(error?.code == .tooLarge)
        #expect(error?.offset == 10)
        #expect(parseError("[1,2,3,45]", limits: limits) == nil)
    }

    @Test func checksTheSizeBeforeLookingAtTheBytes() {
        // Invalid JSON, but the size check must win.
        let error = parseError([UInt8](repeating: 0xFF, count: 32), limits: JSONLimits(maxBytes: 31))
        #expect(error?.code == .tooLarge)
        #expect(parseError(String(repeating: " ", count: 9) + "1", limits: JSONLimits(maxBytes: 9))?.code == .tooLarge)
    }
}

// MARK: - Helpers shared by the JSON tests

/// Releases a deeply nested value one level at a time.
///
/// Swift destroys nested enums recursively, so dropping a value thousands of levels deep could itself
/// overflow a small stack; the tests that build such values take them apart with this instead.
func dismantle(_ value: consuming JSONValue) {
    var current = consume value
    while true {
        switch current {
        case .array(var elements):
            current = elements.popLast() ?? .null
        case .object(var members):
            current = members.popFirst()?.value ?? .null
        default:
            return
        }
    }
}

#if canImport(Glibc)
/// Runs `body` to completion on a new thread whose stack is only 512 KiB (a typical secondary thread).
func runOnSmallStack(_ body: @escaping @Sendable () -> Void) {
    final class Work: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    // Allocated rather than `pthread_attr_t()`: in this package the C struct's initializer is ambiguous
    // between Glibc and CDispatch under MemberImportVisibility.
    let attributes = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
    defer { attributes.deallocate() }
    pthread_attr_init(attributes)
    defer { pthread_attr_destroy(attributes) }
    pthread_attr_setstacksize(attributes, 512 * 1024)
    var thread: pthread_t = 0
    let context = Unmanaged.passRetained(Work(body)).toOpaque()
    let status = pthread_create(
        &thread,
        attributes,
        { context in
            Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        },
        context
    )
    precondition(status == 0, "pthread_create failed")
    pthread_join(thread, nil)
}
#endif

import BastionProtocol
import Testing

@testable import BastionSecurity

struct AuditCanonicalFormTests {
    @Test func theEncodingLeavesOutHashAndSortsKeys() {
        let bytes = AuditCanonicalForm.encode(["seq": 2, "hash": "x", "event": "stop", "args": ["b": 1, "a": 2]])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"args":{"a":2,"b":1},"event":"stop","seq":2}"#)
    }

    @Test func theHashIsHexSHA256OfTheBytes() {
        // FIPS 180-2 appendix B.1 test vector.
        #expect(
            AuditCanonicalForm.hash(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(AuditCanonicalForm.isHash(AuditCanonicalForm.hash([])))
    }

    @Test func theLineIsTheCanonicalFormWithHashLast() throws {
        let canonical = AuditCanonicalForm.encode(["seq": 1, "event": "start"])
        let hash = AuditCanonicalForm.hash(canonical)
        let line = AuditCanonicalForm.line(canonical: canonical, hash: hash)
        #expect(line.last == 0x0A)
        #expect(String(decoding: line, as: UTF8.self).hasSuffix(#","hash":"\#(hash)"}"# + "\n"))
        let parsed = try JSONParser.parse(Array(line.dropLast()))
        #expect(parsed["hash"] == .string(hash))
    }

    @Test(arguments: [
        JSONValue.string("plain"), "quote \" backslash \\ newline \n tab \t nul \u{0}", "émoji 🎉 ünïcode",
        .int(0), .int(-42), .int(Int64.max), .int(Int64.min), .double(1.5), .double(-0.25), .double(1e300),
        .double(3), .bool(true), .null, ["nested": [1, "two", ["three": 3.25]]], [], [:],
    ])
    func parsingAWrittenLineGivesBackTheSameCanonicalForm(value: JSONValue) throws {
        let canonical = AuditCanonicalForm.encode(["seq": 1, "value": value, "prev": "0"])
        let line = AuditCanonicalForm.line(canonical: canonical, hash: AuditCanonicalForm.hash(canonical))
        guard case .object(let parsed) = try JSONParser.parse(Array(line.dropLast())) else {
            Issue.record("not an object")
            return
        }
        #expect(AuditCanonicalForm.encode(parsed) == canonical)
    }

    @Test(arguments: [
        (String(repeating: "0", count: 64), true), (String(repeating: "af", count: 32), true),
        (String(repeating: "A", count: 64), false), (String(repeating: "0", count: 63), false), ("", false),
    ])
    func hashesAre64LowercaseHexDigits(text: String, isHash: Bool) {
        #expect(AuditCanonicalForm.isHash(text) == isHash)
    }

    @Test func theGenesisHashIs64Zeros() {
        #expect(AuditCanonicalForm.genesisHash == String(repeating: "0", count: 64))
    }
}

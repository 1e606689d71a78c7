import Testing

@testable import BastionProtocol

struct JSONParseErrorTests {
    @Test func descriptionNamesCodeReasonAndOffset() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"id": 1, "x"; 2}"#) }
        #expect(error?.description == "JSON syntax error: expected ':' at byte 13")
    }

    @Test(arguments: [
        #"{"password":"hunter2" "x":1}"#,
        #"{"password":"hunter2"}}"#,
        #"{"password":"hunter2\q"}"#,
        #"{"password":"hunter2"#,
        #"["hunter2",hunter2]"#,
        #"{"hunter2":1,"hunter2":2}"#,
    ])
    func descriptionNeverContainsThePayload(text: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.description.contains("hunter2") == false)
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.description.contains("syntax") == true)
    }

    @Test func descriptionOfInvalidUTF8DoesNotEchoTheBytes() throws {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0x41, 0xC3, 0x28, 0x22]) }
        let description = try #require(error?.description)
        #expect(description == "JSON invalidUTF8 error: invalid UTF-8 at byte 2")
        #expect(!description.contains("A("))
    }

    @Test(arguments: [
        (JSONParseError.Code.tooLarge, "tooLarge"), (.tooDeep, "tooDeep"), (.invalidUTF8, "invalidUTF8"),
        (.syntax, "syntax"),
    ])
    func codesDescribeThemselves(code: JSONParseError.Code, name: String) {
        #expect(code.description == name)
    }

    @Test func codesAreDistinct() {
        let codes: Set<JSONParseError.Code> = [.tooLarge, .tooDeep, .invalidUTF8, .syntax]
        #expect(codes.count == 4)
    }

    @Test func errorsCompareByCodeOnly() {
        let first = JSONParseError.syntax("unexpected character", at: 3)
        let second = JSONParseError.syntax("duplicate key", at: 9)
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != JSONParseError.invalidUTF8(at: 3))
    }

    @Test func factoriesRecordCodeOffsetAndSourceLocation() {
        let deep = JSONParseError.tooDeep(maxDepth: 4, at: 4)
        #expect(deep.code == .tooDeep)
        #expect(deep.offset == 4)
        #expect(deep.message == "nesting deeper than 4")
        #expect(deep.fileID == "BastionProtocolTests/JSONParseErrorTests.swift")
        #expect(deep.line > 0)
        let large = JSONParseError.tooLarge(size: 11, maxBytes: 10)
        #expect(large.code == .tooLarge)
        #expect(large.offset == 10)
        #expect(large.description == "JSON tooLarge error: input of 11 bytes exceeds the limit at byte 10")
    }
}

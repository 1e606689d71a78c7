import Testing

@testable import BastionProtocol

struct JSONRPCErrorTests {
    @Test func codesMatchJSONRPCAndMCP() {
        #expect(JSONRPCError.parseErrorCode == -32700)
        #expect(JSONRPCError.invalidRequestCode == -32600)
        #expect(JSONRPCError.methodNotFoundCode == -32601)
        #expect(JSONRPCError.invalidParamsCode == -32602)
        #expect(JSONRPCError.internalErrorCode == -32603)
        #expect(JSONRPCError.resourceNotFoundCode == -32002)
    }

    @Test(arguments: [
        (JSONRPCError.parseError("x"), -32700, "Parse error: x"),
        (.invalidRequest("x"), -32600, "Invalid request: x"),
        (.methodNotFound("tools/nope"), -32601, "Method not found: tools/nope"),
        (.invalidParams("x"), -32602, "Invalid params: x"),
        (.internalError("x"), -32603, "Internal error: x"),
        (.resourceNotFound("file:///a"), -32002, "Resource not found"),
    ])
    func factoriesSetCodeAndMessage(error: JSONRPCError, code: Int, message: String) {
        #expect(error.code == code)
        #expect(error.message == message)
    }

    @Test func onlyResourceNotFoundCarriesData() {
        #expect(JSONRPCError.resourceNotFound("file:///a").data == ["uri": "file:///a"])
        #expect(JSONRPCError.parseError("x").data == nil)
        #expect(JSONRPCError.invalidParams("x").data == nil)
    }

    @Test func jsonHasCodeAndMessageAndNoDataWhenAbsent() {
        let json = JSONRPCError(code: -32601, message: "nope").json
        #expect(json == ["code": .int(-32601), "message": "nope"])
        #expect(json["data"] == nil)
    }

    @Test func jsonIncludesDataWhenPresent() {
        let json = JSONRPCError(code: 5, message: "m", data: ["k": [1, 2]]).json
        #expect(json == ["code": 5, "message": "m", "data": ["k": [1, 2]]])
    }

    @Test func jsonKeepsANullData() {
        // `data: .null` is a value the caller chose; it is not the same as no data.
        let json = JSONRPCError(code: 5, message: "m", data: .null).json
        #expect(json.objectValue?.keys.sorted() == ["code", "data", "message"])
    }

    @Test func descriptionIsCodeThenMessage() {
        #expect(JSONRPCError(code: -32600, message: "Invalid request: x").description == "-32600 Invalid request: x")
    }

    @Test func equalityComparesEveryField() {
        let base = JSONRPCError(code: 1, message: "a")
        #expect(base == JSONRPCError(code: 1, message: "a"))
        #expect(base != JSONRPCError(code: 2, message: "a"))
        #expect(base != JSONRPCError(code: 1, message: "b"))
        #expect(base != JSONRPCError(code: 1, message: "a", data: 1))
    }

    @Test func canBeThrownAndCaughtWithItsCode() {
        func fail() throws(JSONRPCError) { throw .methodNotFound("x") }
        let error = #expect(throws: JSONRPCError.self) { try fail() }
        #expect(error?.code == JSONRPCError.methodNotFoundCode)
    }

    /// Review 13, finding 2: the version echoed in -32022 was cut in characters, and one character
    /// can carry any number of combining marks.
    @Test func theEchoedVersionIsBoundedInBytes() {
        let requested = "a" + String(repeating: "\u{301}", count: 200_000)
        let error = JSONRPCError.unsupportedProtocolVersion(requested: requested)
        let echoed = error.data?["requested"]?.stringValue ?? ""
        #expect(echoed.utf8.count <= 128 && echoed.utf8.first == UInt8(ascii: "a"))
        #expect(error.message.utf8.count < 300)
        #expect(JSONRPCError.bytePrefix("é", 1) == "")
        #expect(JSONRPCError.bytePrefix("2026-07-28", 128) == "2026-07-28")
    }
}

import Testing

@testable import BastionProtocol

struct MCPRequestHeadersTests {
    private static func params(_ members: [String: JSONValue] = [:]) -> JSONValue {
        var members = members
        members["_meta"] = [
            ModernEnvelope.Key.protocolVersion: "2026-07-28", ModernEnvelope.Key.clientCapabilities: [:],
        ]
        return .object(members)
    }

    private static func headers(_ extra: [(String, String)] = [], method: String = "tools/call") -> MCPRequestHeaders {
        MCPRequestHeaders([("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", method)] + extra)
    }

    private static func mismatch(_ headers: MCPRequestHeaders, _ method: String, _ params: JSONValue) -> String? {
        do {
            try headers.validate(method: method, params: params)
            return nil
        } catch {
            #expect(error.code == -32020)
            return error.message
        }
    }

    @Test func matchingHeadersPassWhateverTheCaseOfTheirNames() throws {
        let headers = MCPRequestHeaders([
            ("mcp-protocol-version", "2026-07-28"), ("MCP-METHOD", "tools/call"), ("mcp-name", "get_weather"),
            ("Mcp-Param-Region", "ignored"), ("Content-Type", "application/json"),
        ])
        try headers.validate(method: "tools/call", params: Self.params(["name": "get_weather"]))
        #expect(headers.protocolVersion == "2026-07-28")
    }

    @Test func aMissingHeaderIsAMismatch() {
        #expect(
            Self.mismatch(MCPRequestHeaders([("Mcp-Method", "tools/list")]), "tools/list", Self.params())?
                .contains("MCP-Protocol-Version header is missing") == true
        )
        #expect(Self.mismatch(Self.headers(), "tools/call", Self.params(["name": "x"]))?.contains("Mcp-Name") == true)
        let noMethod = MCPRequestHeaders([("MCP-Protocol-Version", "2026-07-28")])
        #expect(Self.mismatch(noMethod, "tools/list", Self.params())?.contains("Mcp-Method") == true)
    }

    @Test func aHeaderThatDisagreesWithTheBodyIsAMismatch() {
        // What a load balancer routed on is not what would run.
        #expect(
            Self.mismatch(
                Self.headers([("Mcp-Name", "read_text_file")]),
                "tools/call",
                Self.params(["name": "write_file"])
            ) != nil
        )
        #expect(Self.mismatch(Self.headers(method: "tools/list"), "tools/call", Self.params(["name": "x"])) != nil)
        let older = MCPRequestHeaders([("MCP-Protocol-Version", "2025-11-25"), ("Mcp-Method", "tools/list")])
        #expect(Self.mismatch(older, "tools/list", Self.params()) != nil)
        // Values are case-sensitive.
        #expect(Self.mismatch(Self.headers([("Mcp-Name", "Echo")]), "tools/call", Self.params(["name": "echo"])) != nil)
    }

    @Test func aRepeatedHeaderIsRefused() {
        let twice = Self.headers([("Mcp-Name", "echo"), ("mcp-name", "echo")])
        #expect(Self.mismatch(twice, "tools/call", Self.params(["name": "echo"]))?.contains("repeated") == true)
        // A repeated version is seen as present and repeated, so the transport routes it to the
        // path that refuses it, never to the legacy one as if it were absent (review 14, finding 8).
        let versions = MCPRequestHeaders([
            ("MCP-Protocol-Version", "2025-06-18"), ("mcp-protocol-version", "2026-07-28"),
        ])
        #expect(versions.protocolVersion == "2025-06-18" && versions.isProtocolVersionRepeated)
        #expect(!Self.headers().isProtocolVersionRepeated)
        #expect(MCPRequestHeaders([]).protocolVersion == nil && !MCPRequestHeaders([]).isProtocolVersionRepeated)
    }

    @Test func theNameOfAResourceAndOfAPromptAreChecked() throws {
        try Self.headers([("Mcp-Name", "file:///a.txt")], method: "resources/read")
            .validate(method: "resources/read", params: Self.params(["uri": "file:///a.txt"]))
        try Self.headers([("Mcp-Name", "review")], method: "prompts/get")
            .validate(method: "prompts/get", params: Self.params(["name": "review"]))
        #expect(
            Self.mismatch(
                Self.headers([("Mcp-Name", "file:///b")], method: "resources/read"),
                "resources/read",
                Self.params(["uri": "file:///a"])
            ) != nil
        )
        // Only those three methods name anything.
        try Self.headers(method: "tools/list").validate(method: "tools/list", params: Self.params())
    }

    /// The spec's own examples (streamable-http.mdx, "Value Encoding").
    @Test(arguments: [
        ("=?base64?SGVsbG8sIOS4lueVjA==?=", "Hello, 世界"), ("=?base64?IHBhZGRlZCA=?=", " padded "),
        ("=?base64?bGluZTEKbGluZTI=?=", "line1\nline2"), ("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=", "=?base64?literal?="),
    ])
    func anEncodedNameIsDecodedBeforeTheComparison(encoded: String, name: String) throws {
        try Self.headers([("Mcp-Name", encoded)]).validate(
            method: "tools/call",
            params: Self.params(["name": .string(name)])
        )
    }

    @Test(arguments: ["=?base64?SGVsbG8?=", "=?base64?SGVs*G8=?=", "=?base64?/w==?=", "=?base64?SG==VsbA==?="])
    func badBase64OrUTF8IsAMismatch(encoded: String) {
        #expect(
            Self.mismatch(Self.headers([("Mcp-Name", encoded)]), "tools/call", Self.params(["name": "Hello"])) != nil
        )
    }

    @Test(arguments: ["echo\r\nX-Injected: 1", "écho", "echo\u{0}"])
    func aValueWithAForbiddenCharacterIsRefused(value: String) {
        #expect(
            Self.mismatch(Self.headers([("Mcp-Name", value)]), "tools/call", Self.params(["name": .string(value)]))?
                .contains("character") == true
        )
    }

    @Test func statusesFollowTheTransport() {
        for code in [-32700, -32600, -32602, -32020, -32021, -32022] {
            #expect(MCPRequestHeaders.httpStatus(forErrorCode: code) == 400)
        }
        #expect(MCPRequestHeaders.httpStatus(forErrorCode: -32601) == 404)
        #expect(MCPRequestHeaders.httpStatus(forErrorCode: nil) == 200)
        #expect(MCPRequestHeaders.httpStatus(forErrorCode: -32603) == 200)
    }
}

import BastionProtocol
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import BastionTransport

/// The HTTP endpoints' checks and answers, without a socket (MCPHTTPResponder.swift).
struct MCPHTTPResponderTests {
    let server = FakeHTTPServer()

    private func responder(_ settings: HTTPTransportSettings = Self.settings) -> MCPHTTPResponder<FakeHTTPServer> {
        MCPHTTPResponder(server: server, settings: settings)
    }

    static let settings = HTTPTransportSettings(
        port: 1,
        maxBodyBytes: 1024,
        allowedOrigins: ["http://localhost:3000"],
        allowedHosts: HTTPTransportSettings.loopbackHosts
    )

    static let modernHeaders: [(String, String)] = [
        ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
        ("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "echo"),
    ]

    static func call(_ name: String = "echo", id: Int = 1) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(name)","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
    }

    /// What the responder answers, with the whole body.
    private func send(
        _ method: HTTPRequest.Method = .post,
        path: String = "/mcp",
        authority: String = "127.0.0.1:8765",
        headers: [(String, String)] = Self.modernHeaders,
        body: String = Self.call(),
        settings: HTTPTransportSettings = Self.settings
    ) async throws -> (status: Int, headers: HTTPFields, body: String) {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(string: body))
        )
        let context = HTTPPeerContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: TestSession.logger)
        )
        let response = try await responder(settings).respond(to: request, context: context)
        let collector = Collector()
        try await response.body.write(collector)
        return (
            response.status.code, response.headers, String(decoding: collector.bytes.withLock { $0 }, as: UTF8.self)
        )
    }

    @Test func aModernCallIsAnsweredAsJSON() async throws {
        let (status, headers, body) = try await send()
        #expect(status == 200)
        #expect(headers[.contentType] == "application/json")
        #expect(body.contains(#""text":"echo""#))
        #expect(server.releases.withLock { $0 } == 1)
    }

    @Test func aRequestWithMessagesBeforeItsAnswerIsAnSSEStream() async throws {
        let ping =
            #"{"jsonrpc":"2.0","id":7,"method":"test/progress","params":{"_meta":{"progressToken":"p","io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
        var headers = Self.modernHeaders.filter { $0.0 != "Mcp-Method" && $0.0 != "Mcp-Name" }
        headers.append(("Mcp-Method", "test/progress"))
        let (status, fields, body) = try await send(headers: headers, body: ping)
        #expect(status == 200)
        #expect(fields[.contentType] == "text/event-stream")
        let events = body.split(separator: "\n\n").map(String.init)
        #expect(events.count == 2)
        #expect(events.first?.contains("notifications/progress") == true)
        #expect(events.last?.hasPrefix("event: message\ndata: {") == true)
        #expect(server.releases.withLock { $0 } == 1)
    }

    @Test func aNotificationIsAccepted() async throws {
        var headers = Self.modernHeaders.filter { $0.0 != "Mcp-Method" && $0.0 != "Mcp-Name" }
        headers.append(("Mcp-Method", "notifications/initialized"))
        let (status, _, body) = try await send(
            headers: headers,
            body: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
        )
        #expect(status == 202)
        #expect(body.isEmpty)
    }

    @Test func aHeaderThatDisagreesWithTheBodyIsA400WithHeaderMismatch() async throws {
        let (status, _, body) = try await send(body: Self.call("other"))
        #expect(status == 400)
        #expect(body.contains("-32020"))
    }

    @Test func badJSONIsA400ParseError() async throws {
        let (status, _, body) = try await send(body: "{not json")
        #expect(status == 400)
        #expect(body.contains("-32700"))
    }

    @Test(arguments: ["text/event-stream", "application/json", "text/html"])
    func anAcceptWithoutBothMediaTypesIs406(accept: String) async throws {
        let headers = Self.modernHeaders.map { $0.0 == "Accept" ? ("Accept", accept) : $0 }
        let (status, _, body) = try await send(headers: headers)
        #expect(status == 406)
        #expect(body.contains(#""id":null"#))
        #expect(server.refusals.withLock { $0 } == [406])
        #expect(server.authentications.withLock { $0 } == 0)
    }

    @Test func aWildcardAcceptIsEnough() async throws {
        let headers = Self.modernHeaders.map { $0.0 == "Accept" ? ("Accept", "*/*") : $0 }
        #expect(try await send(headers: headers).status == 200)
    }

    @Test func aBodyThatIsNotJSONIs415() async throws {
        let headers = Self.modernHeaders.map { $0.0 == "Content-Type" ? ("Content-Type", "text/plain") : $0 }
        #expect(try await send(headers: headers).status == 415)
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let (status, _, _) = try await send(body: Self.call(String(repeating: "a", count: 2000)))
        #expect(status == 413)
        #expect(server.authentications.withLock { $0 } == 0)
    }

    @Test(arguments: ["evil.example:8765", "127.0.0.1.nip.io", "localhost.evil"])
    func aForeignHostIs421(authority: String) async throws {
        let (status, _, _) = try await send(authority: authority)
        #expect(status == 421)
        #expect(server.refusals.withLock { $0 } == [421])
    }

    @Test(arguments: ["localhost:8765", "127.0.0.1", "[::1]:8765", "LOCALHOST:1"])
    func aLoopbackHostIsServed(authority: String) async throws {
        #expect(try await send(authority: authority).status == 200)
    }

    @Test func anyHostIsServedWhenNoneIsListed() async throws {
        var settings = Self.settings
        settings.allowedHosts = []
        #expect(try await send(authority: "mcp.example.com", settings: settings).status == 200)
    }

    @Test func aForeignOriginIs403AndAnAllowedOneIsServed() async throws {
        #expect(try await send(headers: Self.modernHeaders + [("Origin", "http://evil.example")]).status == 403)
        #expect(try await send(headers: Self.modernHeaders + [("Origin", "http://localhost:3000")]).status == 200)
    }

    @Test func aBadTokenIs401WithTheChallengeAndNoSecondRecord() async throws {
        let (status, headers, _) = try await send(headers: Self.modernHeaders + [("Authorization", "Bearer bad")])
        #expect(status == 401)
        #expect(headers[HTTPField.Name("WWW-Authenticate")!] == "Bearer")
        #expect(server.refusals.withLock { $0 }.isEmpty)  // the server's auth-failure record is the record
    }

    @Test func aGoodTokenIsServed() async throws {
        #expect(try await send(headers: Self.modernHeaders + [("Authorization", "Bearer good")]).status == 200)
    }

    static let signedWithToken =
        modernHeaders + [
            ("Authorization", "Bearer good"), ("Signature-Input", #"sig1=("@method");keyid="x""#),
            ("Signature", "sig1=:AAAA:"),
        ]

    @Test func aSignatureIsTheCredentialWhenSomeClientSigns() async throws {
        #expect(try await send(headers: Self.signedWithToken).status == 401)
    }

    /// Review 14, finding 10: a Signature-Input no key can check does not hide the token.
    @Test func aSignatureIsIgnoredWhenNoClientSigns() async throws {
        server.signs.withLock { $0 = false }
        #expect(try await send(headers: Self.signedWithToken).status == 200)
    }

    @Test(arguments: [HTTPRequest.Method.get, .delete, .put])
    func otherMethodsOnTheModernEndpointAre405(method: HTTPRequest.Method) async throws {
        let (status, headers, _) = try await send(method)
        #expect(status == 405)
        #expect(headers[.allow] == "POST")
    }

    @Test func anUnknownPathIs404AndRecorded() async throws {
        #expect(try await send(path: "/admin").status == 404)
        #expect(server.refusals.withLock { $0 } == [404])
    }

    @Test func healthzAnswersWhateverTheHostForALoadBalancersCheck() async throws {
        #expect(try await send(.get, path: "/healthz", authority: "10.0.0.5:8765", headers: []).status == 200)
        // Anything else on a foreign Host is still 421.
        #expect(try await send(.post, path: "/healthz", authority: "10.0.0.5:8765", headers: []).status == 421)
    }

    @Test func healthzAnswersGetOnly() async throws {
        let (status, _, body) = try await send(.get, path: "/healthz", headers: [])
        #expect(status == 200)
        #expect(body == #"{"status":"ok"}"#)
        #expect(try await send(.post, path: "/healthz", headers: []).status == 405)
    }

    @Test(
        arguments: [
            (nil, true), ("2025-11-25", true), ("2024-11-05", true), ("2026-07-28", false), ("1999-01-01", false),
        ] as [(String?, Bool)]
    )
    func theVersionHeaderRoutesTheEra(version: String?, legacy: Bool) {
        let fields = version.map { [(name: "MCP-Protocol-Version", value: $0)] } ?? []
        #expect(MCPHTTPResponder<FakeHTTPServer>.isLegacy(MCPRequestHeaders(fields)) == legacy)
    }

    @Test func aRepeatedVersionHeaderGoesToTheCheckedModernPath() {
        let headers = MCPRequestHeaders([
            (name: "MCP-Protocol-Version", value: "2025-11-25"), (name: "mcp-protocol-version", value: "2025-11-25"),
        ])
        #expect(!MCPHTTPResponder<FakeHTTPServer>.isLegacy(headers))
    }

    @Test(arguments: [
        ("localhost:80", "localhost"), ("[::1]:8765", "[::1]"), ("Example.COM", "example.com"), ("::1", "::1"),
    ])
    func theHostNameOfAnAuthorityDropsThePort(authority: String, host: String) {
        #expect(MCPHTTPResponder<FakeHTTPServer>.hostName(of: authority) == host)
    }
}

/// Collects a response body.
final class Collector: ResponseBodyWriter, Sendable {
    let bytes = Mutex<[UInt8]>([])

    func write(_ buffer: ByteBuffer) async throws {
        bytes.withLock { $0 += buffer.readableBytesView }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// Review 12's findings on the responder, each a regression test.
struct MCPHTTPResponderReviewTests {
    let server = FakeHTTPServer()

    private func send(
        _ headers: [(String, String)],
        authority: String = "127.0.0.1",
        body: String = MCPHTTPResponderTests.call(),
        settings: HTTPTransportSettings = MCPHTTPResponderTests.settings
    ) async throws -> (status: Int, headers: HTTPFields, body: String) {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: authority, path: "/mcp", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(string: body))
        )
        let context = HTTPPeerContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: TestSession.logger)
        )
        let response = try await MCPHTTPResponder(server: server, settings: settings).respond(
            to: request,
            context: context
        )
        let collector = Collector()
        try await response.body.write(collector)
        return (
            response.status.code, response.headers, String(decoding: collector.bytes.withLock { $0 }, as: UTF8.self)
        )
    }

    /// Finding 8: an Authorization header that is not one `Bearer <token>` is never anonymous.
    @Test(arguments: ["Bearer\ttok", "Basic dXNlcjpwYXNz", "Token tok", "Bearertok", "Bearer", "Bearer a b", "Bearer "])
    func aMalformedAuthorizationIs401(value: String) async throws {
        let (status, _, _) = try await send(MCPHTTPResponderTests.modernHeaders + [("Authorization", value)])
        #expect(status == 401)
    }

    @Test func twoAuthorizationHeadersAre401() async throws {
        let headers =
            MCPHTTPResponderTests.modernHeaders + [("Authorization", "Bearer good"), ("Authorization", "Bearer good")]
        #expect(try await send(headers).status == 401)
    }

    /// Finding 7: a Host that is not `host[:digits]` is refused before anything else.
    @Test(arguments: ["[::1]evil.com", "localhost:evil", "localhost:", "127.0.0.1:8765:1", "local host"])
    func aMalformedHostIs400(authority: String) async throws {
        #expect(try await send(MCPHTTPResponderTests.modernHeaders, authority: authority).status == 400)
    }

    /// Finding 4: a request slower than `streamAfter` is answered as SSE at once (whose
    /// keep-alives notice a client gone), its answer the stream's last event.
    @Test func aSlowRequestBecomesAStream() async throws {
        var settings = MCPHTTPResponderTests.settings
        settings.streamAfter = .milliseconds(30)
        let body =
            #"{"jsonrpc":"2.0","id":5,"method":"test/slow","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
        let headers =
            MCPHTTPResponderTests.modernHeaders.filter { $0.0 != "Mcp-Method" && $0.0 != "Mcp-Name" } + [
                ("Mcp-Method", "test/slow")
            ]
        let (status, fields, text) = try await send(headers, body: body, settings: settings)
        #expect(status == 200)
        #expect(fields[.contentType] == "text/event-stream")
        #expect(text.contains(#""slow":true"#))
        #expect(server.releases.withLock { $0 } == 1)
    }

    @Test func aQuickRequestStaysJSON() async throws {
        let (_, fields, _) = try await send(MCPHTTPResponderTests.modernHeaders)
        #expect(fields[.contentType] == "application/json")
    }
}

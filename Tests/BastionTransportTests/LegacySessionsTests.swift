import BastionProtocol
import HTTPTypes
import Hummingbird
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import BastionTransport

/// Handshake-era sessions over HTTP (LegacySessions.swift): opened by `initialize`, bound to
/// their client, answered per POST, ended by DELETE.
struct LegacySessionsTests {
    let server = FakeHTTPServer()

    static let headers: [(String, String)] = [
        ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
    ]
    static let initialize =
        #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
    static let initialized = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#

    static func call(_ id: Int, _ name: String = "echo") -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(name)"}}"#
    }

    private func send(
        _ responder: MCPHTTPResponder<FakeHTTPServer>,
        _ method: HTTPRequest.Method = .post,
        session: String? = nil,
        headers: [(String, String)] = Self.headers,
        body: String = ""
    ) async throws -> (status: Int, headers: HTTPFields, body: String) {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        if let session { fields[HTTPField.Name("Mcp-Session-Id")!] = session }
        let request = Request(
            head: HTTPRequest(
                method: method,
                scheme: "http",
                authority: "127.0.0.1",
                path: "/mcp",
                headerFields: fields
            ),
            body: RequestBody(buffer: ByteBuffer(string: body))
        )
        let context = HTTPPeerContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: TestSession.logger)
        )
        let response = try await responder.respond(to: request, context: context)
        let collector = Collector()
        try await response.body.write(collector)
        return (
            response.status.code, response.headers, String(decoding: collector.bytes.withLock { $0 }, as: UTF8.self)
        )
    }

    private func responder() -> MCPHTTPResponder<FakeHTTPServer> {
        MCPHTTPResponder(server: server, settings: HTTPTransportSettings(port: 1))
    }

    /// A session initialized and ready; its id.
    /// A session of 2025-03-26 (batches, no priming events), initialized.
    private func open20250326(_ responder: MCPHTTPResponder<FakeHTTPServer>) async throws -> String {
        let (_, fields, _) = try await send(
            responder,
            body: Self.initialize.split(separator: "2025-11-25").joined(separator: "2025-03-26")
        )
        let id = try #require(fields[HTTPField.Name("Mcp-Session-Id")!])
        _ = try await send(responder, session: id, body: Self.initialized)
        return id
    }

    private func open(
        _ responder: MCPHTTPResponder<FakeHTTPServer>,
        headers: [(String, String)] = Self.headers
    )
        async throws -> String
    {
        let (status, fields, body) = try await send(responder, headers: headers, body: Self.initialize)
        #expect(status == 200)
        #expect(body.contains(#""protocolVersion":"2025-11-25""#))
        let id = try #require(fields[HTTPField.Name("Mcp-Session-Id")!])
        #expect(try await send(responder, session: id, headers: headers, body: Self.initialized).status == 202)
        return id
    }

    @Test func initializeIssuesARandomVisibleASCIISessionID() async throws {
        let responder = responder()
        let first = try await open(responder)
        let second = try await open(responder)
        #expect(first != second)
        #expect(first.count == 32)
        #expect(first.utf8.allSatisfy { (0x21...0x7E).contains($0) })
        #expect(server.served.withLock { $0 } == 2)
    }

    @Test func aCallOnTheSessionIsAnsweredOnItsPOST() async throws {
        let responder = responder()
        let id = try await open(responder)
        let (status, fields, body) = try await send(responder, session: id, body: Self.call(3, "whoami"))
        #expect(status == 200)
        #expect(fields[.contentType] == "application/json")
        #expect(body.contains(#""id":3"#))
        #expect(body.contains("whoami"))
    }

    @Test func aBatchIsAnsweredAsOneArray() async throws {
        let responder = responder()
        // 2025-03-26 is the revision with batches.
        let id = try await open20250326(responder)
        let (status, _, body) = try await send(
            responder,
            session: id,
            body: "[\(Self.call(1, "a")),\(Self.call(2, "b"))]"
        )
        #expect(status == 200)
        #expect(body.hasPrefix("["))
        #expect(body.contains(#""id":1"#) && body.contains(#""id":2"#))
    }

    @Test func progressMakesThePOSTAnSSEStreamWithEventIDs() async throws {
        let responder = responder()
        let id = try await open(responder)
        let (status, fields, body) = try await send(
            responder,
            session: id,
            body: #"{"jsonrpc":"2.0","id":4,"method":"test/progress","params":{"_meta":{"progressToken":"p"}}}"#
        )
        #expect(status == 200)
        #expect(fields[.contentType] == "text/event-stream")
        let events = body.split(separator: "\n\n").map(String.init)
        #expect(events.count == 3)
        // 2025-11-25: a priming event (an id, retry, empty data), then the messages.
        let priming = try #require(events.first?.split(separator: "\n").map(String.init))
        #expect(priming.count == 3 && priming[1] == "retry: 1000" && priming[2] == "data: ")
        let primingID = try #require(SSEEventID(String(priming[0].dropFirst(4))))
        #expect(primingID.sequence == 0)
        #expect(events[1].hasPrefix("id: ") && events[1].contains("notifications/progress"))
        let firstID = try #require(SSEEventID(String(events[1].prefix { $0 != "\n" }.dropFirst(4))))
        #expect(firstID.stream == primingID.stream && firstID.tag == primingID.tag && firstID.sequence == 1)
        #expect(events[2].contains(#""id":4"#))
    }

    @Test func a20250326StreamHasNoPrimingEvent() async throws {
        let responder = responder()
        let id = try await open20250326(responder)
        let (_, _, body) = try await send(
            responder,
            session: id,
            body: #"{"jsonrpc":"2.0","id":4,"method":"test/progress","params":{"_meta":{"progressToken":"p"}}}"#
        )
        let events = body.split(separator: "\n\n").map(String.init)
        #expect(events.count == 2)
        #expect(!body.contains("retry:"))
        #expect(events[0].contains("notifications/progress"))
    }

    @Test func aLastEventIDThatIsMalformedForeignOrGoneIsRefused() async throws {
        let responder = responder()
        let id = try await open(responder)
        let other = try await open(responder)
        func resume(_ session: String, _ lastEventID: String) async throws -> Int {
            try await send(
                responder,
                .get,
                session: session,
                headers: [("Accept", "text/event-stream"), ("Last-Event-ID", lastEventID)]
            ).status
        }
        // The POST stream of the other session, answered and forgotten: 410 there, 400 here.
        let (_, _, body) = try await send(
            responder,
            session: other,
            body: #"{"jsonrpc":"2.0","id":4,"method":"test/progress","params":{"_meta":{"progressToken":"p"}}}"#
        )
        let foreign = String(body.prefix { $0 != "\n" }.dropFirst(4))
        #expect(SSEEventID(foreign) != nil)
        #expect(try await resume(other, foreign) == 410)
        #expect(try await resume(id, foreign) == 400)
        #expect(try await resume(id, "bogus") == 400)
        #expect(try await resume(id, String(repeating: "9", count: 100_000)) == 400)
        #expect(try await resume(id, "0000000é-1-1") == 400)
        let tag = String(foreign.prefix(8))
        #expect(try await resume(other, "\(tag)-99-0") == 400)  // a stream it never had
        #expect(server.refusals.withLock { $0 }.filter { $0 == 400 || $0 == 410 }.count == 6)
    }

    @Test func withoutASessionOnlyInitializeIsTaken() async throws {
        let (status, _, body) = try await send(responder(), body: Self.call(1))
        #expect(status == 400)
        #expect(body.contains("MCP-Session-Id"))
        #expect(server.releases.withLock { $0 } == 1)
    }

    @Test func anUnknownSessionIs404() async throws {
        #expect(
            try await send(responder(), session: "0123456789abcdef0123456789abcdef", body: Self.call(1)).status == 404
        )
    }

    @Test func anotherClientsSessionIs404LikeAnUnknownOne() async throws {
        let responder = responder()
        let id = try await open(responder)
        let other = Self.headers + [("Authorization", "Bearer good")]
        let (status, _, body) = try await send(responder, session: id, headers: other, body: Self.call(1))
        #expect(status == 404)
        #expect(body.contains("session not found"))
        #expect(try await send(responder, .delete, session: id, headers: other).status == 404)
        // Still the owner's.
        #expect(try await send(responder, session: id, body: Self.call(2)).status == 200)
    }

    @Test func deleteEndsTheSessionAndItIsThen404() async throws {
        let responder = responder()
        let id = try await open(responder)
        #expect(try await send(responder, .delete, session: id).status == 200)
        #expect(try await send(responder, session: id, body: Self.call(1)).status == 404)
        for _ in 0..<200 where server.ended.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.ended.withLock { $0 } == 1)
        #expect(responder.legacySessions.count == 0)
    }

    @Test func aSecondInitializeOnASessionIsRefused() async throws {
        let responder = responder()
        let id = try await open(responder)
        #expect(try await send(responder, session: id, body: Self.initialize).status == 400)
    }

    @Test func aBodyThatIsNotJSONIsAParseError() async throws {
        let (status, _, body) = try await send(responder(), body: "{nope")
        #expect(status == 400)
        #expect(body.contains("-32700"))
    }

    @Test func getNeedsASessionAndAcceptsOnlyAnEventStream() async throws {
        let responder = responder()
        #expect(try await send(responder, .get, headers: [("Accept", "text/event-stream")]).status == 400)
        #expect(try await send(responder, .get, session: "x", headers: [("Accept", "application/json")]).status == 406)
        #expect(try await send(responder, .get, session: "x", headers: [("Accept", "text/event-stream")]).status == 404)
    }

    @Test func otherMethodsAre405() async throws {
        let (status, fields, _) = try await send(responder(), .put)
        #expect(status == 405)
        #expect(fields[.allow] == "GET, POST, DELETE")
    }

    @Test func sessionsAreBoundedAndIdleOnesReaped() async throws {
        let sessions = LegacySessions(
            server: server,
            settings: HTTPTransportSettings(port: 1),
            maximumSessions: 1,
            idleTimeout: .seconds(60)
        )
        let responder = MCPHTTPResponder(server: server, settings: HTTPTransportSettings(port: 1), sessions: sessions)
        _ = try await open(responder)
        let (status, fields, _) = try await send(responder, body: Self.initialize)
        #expect(status == 503)
        #expect(fields[HTTPField.Name("Retry-After")!] == "5")
        sessions.reapIdle(now: .now + .seconds(61))
        #expect(sessions.count == 0)
        #expect(try await send(responder, body: Self.initialize).status == 200)
    }
}

/// Review 12's findings on sessions, each a regression test.
struct LegacySessionsReviewTests {
    let server = FakeHTTPServer()

    private func post(
        _ responder: MCPHTTPResponder<FakeHTTPServer>,
        session: String? = nil,
        headers: [(String, String)] = LegacySessionsTests.headers,
        body: String
    ) async throws -> (status: Int, headers: HTTPFields) {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        if let session { fields[HTTPField.Name("Mcp-Session-Id")!] = session }
        let request = Request(
            head: HTTPRequest(
                method: .post,
                scheme: "http",
                authority: "127.0.0.1",
                path: "/mcp",
                headerFields: fields
            ),
            body: RequestBody(buffer: ByteBuffer(string: body))
        )
        let context = HTTPPeerContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: TestSession.logger)
        )
        let response = try await responder.respond(to: request, context: context)
        try await response.body.write(Collector())
        return (response.status.code, response.headers)
    }

    /// Finding 3: an initialize that fails leaves no session (and no id) behind.
    @Test func aFailedInitializeLeavesNoSession() async throws {
        let sessions = LegacySessions(server: server, settings: HTTPTransportSettings(port: 1))
        let responder = MCPHTTPResponder(server: server, settings: HTTPTransportSettings(port: 1), sessions: sessions)
        let (status, fields) = try await post(
            responder,
            body: #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#
        )
        #expect(status == 400)
        #expect(fields[HTTPField.Name("Mcp-Session-Id")!] == nil)
        #expect(sessions.count == 0)
    }

    /// Finding 3: one client cannot take every session slot.
    @Test func sessionsAreBoundedPerClient() async throws {
        let sessions = LegacySessions(
            server: server,
            settings: HTTPTransportSettings(port: 1),
            maximumSessionsPerClient: 1
        )
        let responder = MCPHTTPResponder(server: server, settings: HTTPTransportSettings(port: 1), sessions: sessions)
        #expect(try await post(responder, body: LegacySessionsTests.initialize).status == 200)
        #expect(try await post(responder, body: LegacySessionsTests.initialize).status == 503)
        let other = LegacySessionsTests.headers + [("Authorization", "Bearer good")]
        #expect(try await post(responder, headers: other, body: LegacySessionsTests.initialize).status == 200)
    }

    /// Finding 5: `/mcp` does not take a 2024-11-05 session's id (its answers would go to `/sse`).
    @Test func anSSESessionsIDIs404OnMCP() async throws {
        let sessions = LegacySessions(server: server, settings: HTTPTransportSettings(port: 1))
        let responder = MCPHTTPResponder(server: server, settings: HTTPTransportSettings(port: 1), sessions: sessions)
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/sse", headerFields: [:]),
            body: RequestBody(buffer: ByteBuffer())
        )
        let opened = try await sessions.openEventStream(request) { _, _ throws(HTTPRefusal) in
            try await server.authenticate(.anonymous)
        }
        #expect(opened.status == .ok)
        let id = try #require(sessions.sessionIDs.first)
        #expect(try await post(responder, session: id, body: LegacySessionsTests.call(1)).status == 404)
        sessions.endAll()
    }
}

import Synchronization
import Testing

@testable import BastionProtocol

/// One stateless request in, its messages out (MCPExchange.swift).
struct MCPExchangeTests {
    private static let meta: JSONValue = [
        ModernEnvelope.Key.protocolVersion: "2026-07-28",
        ModernEnvelope.Key.clientCapabilities: [:],
        ModernEnvelope.Key.clientInfo: ["name": "http-test", "version": "2"],
    ]

    private static func body(_ id: JSONValue, _ method: String, _ params: [String: JSONValue] = [:]) -> [UInt8] {
        var params = params
        params["_meta"] = meta
        return JSONWriter.encode(SessionHarness.request(id, method, .object(params)))
    }

    private static func headers(
        _ method: String,
        name: String? = nil,
        version: String = "2026-07-28"
    )
        -> MCPRequestHeaders
    {
        var fields = [("MCP-Protocol-Version", version), ("Mcp-Method", method)]
        if let name { fields.append(("Mcp-Name", name)) }
        return MCPRequestHeaders(fields.map { (name: $0.0, value: $0.1) })
    }

    /// An exchange on `router`, with what its `ended` saw.
    private static func exchange(
        _ headers: MCPRequestHeaders,
        router: RequestRouter = TestRoutes().router,
        observer: RecordingObserver = RecordingObserver(),
        ended: Recorder<String> = Recorder<String>()
    ) -> MCPExchange {
        MCPExchange(
            headers: headers,
            configuration: MCPSession.Configuration(
                identity: SessionHarness.identity,
                capabilities: ServerCapabilities(tools: true)
            ),
            router: router,
            observer: observer,
            id: "x-test",
            logger: SessionHarness.logger
        ) { session in ended.append(session.id) }
    }

    /// Every message until the stream ends.
    private static func messages(of exchange: MCPExchange) async -> [MCPExchange.Message] {
        var all: [MCPExchange.Message] = []
        for await message in exchange.messages { all.append(message) }
        return all
    }

    private static func json(_ message: MCPExchange.Message?) throws -> JSONValue {
        let bytes = try #require(message?.bytes)
        return try bytes.withUnsafeBytes { try JSONParser.parse($0) }
    }

    private static func send(_ exchange: MCPExchange, _ body: [UInt8]) {
        body.withUnsafeBytes { exchange.receive($0) }
    }

    @Test func aRequestGetsItsModernResponseAndNoSessionStartOrEnd() async throws {
        let observer = RecordingObserver()
        let ended = Recorder<String>()
        let exchange = Self.exchange(Self.headers("echo"), observer: observer, ended: ended)
        Self.send(exchange, Self.body(1, "echo", ["x": 1]))
        let messages = await Self.messages(of: exchange)
        #expect(messages.map(\.kind) == [.response(errorCode: nil)])
        #expect(messages.first?.httpStatus == 200)
        let result = try #require(try Self.json(messages.first)["result"])
        #expect(result["x"] == 1 && result["resultType"] == "complete")
        #expect(result["_meta"]?[ModernEnvelope.Key.serverInfo]?["name"] == "bastion-test")
        #expect(await ended.wait(forCount: 1) == ["x-test"])
        #expect(exchange.session.isClosed)
        #expect(observer.records.map(\.method) == ["echo"])
        #expect(observer.records.first?.annotations["protocol"] == "2026-07-28")
        #expect(observer.initializations.isEmpty && observer.closedSessions.isEmpty)
    }

    @Test func aStatelessRequestsStateBelongsToTheClientNotToTheExchange() {
        let exchange = Self.exchange(Self.headers("echo"))
        #expect(exchange.session.isExchange && exchange.session.isModern)
        #expect(exchange.session.stateScope == MCPExchange.sharedScope)
        let connection = SessionHarness()
        #expect(!connection.session.isExchange && connection.session.stateScope == "s-test")
    }

    @Test(arguments: [
        ("missing", [("MCP-Protocol-Version", "2026-07-28")]),
        ("mismatched method", [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/list")]),
        ("mismatched version", [("MCP-Protocol-Version", "2025-11-25"), ("Mcp-Method", "echo")]),
        ("repeated", [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "echo"), ("mcp-method", "echo")]),
    ])
    func headersThatDisagreeWithTheBodyAreAHeaderMismatch(_ label: String, _ fields: [(String, String)]) async throws {
        let observer = RecordingObserver()
        let routes = TestRoutes()
        let exchange = Self.exchange(
            MCPRequestHeaders(fields.map { (name: $0.0, value: $0.1) }),
            router: routes.router,
            observer: observer
        )
        Self.send(exchange, Self.body(1, "echo"))
        let messages = await Self.messages(of: exchange)
        #expect(messages.map(\.kind) == [.response(errorCode: -32020)], "\(label)")
        #expect(messages.first?.httpStatus == 400)
        let outcome = try #require(observer.records.first?.outcome)
        guard case .rejected(-32020, _) = outcome else {
            Issue.record("recorded as \(outcome)")
            return
        }
        #expect(observer.records.first?.annotations["protocol"] == "2026-07-28")
    }

    @Test func mcpNameIsComparedDecodedWithTheNameInTheBody() async throws {
        var router = RequestRouter()
        router.on("tools/call") { params, _ in ["called": params?["name"] ?? .null] }
        // "é" is not a valid header character: the client sends it base64-encoded.
        let encoded = "=?base64?" + "w6k=" + "?="
        let exchange = Self.exchange(Self.headers("tools/call", name: encoded), router: router)
        Self.send(exchange, Self.body(1, "tools/call", ["name": "é", "arguments": [:]]))
        let messages = await Self.messages(of: exchange)
        #expect(try Self.json(messages.last)["result"]?["called"] == "é")

        let other = Self.exchange(Self.headers("tools/call", name: "echo"), router: router)
        Self.send(other, Self.body(1, "tools/call", ["name": "rm", "arguments": [:]]))
        #expect(await Self.messages(of: other).map(\.kind) == [.response(errorCode: -32020)])
    }

    @Test func initializeIsAnUnsupportedVersionAndABareRequestLacksItsEnvelope() async throws {
        let initialize = Self.exchange(Self.headers("initialize"))
        Self.send(
            initialize,
            JSONWriter.encode(
                SessionHarness.request(
                    1,
                    "initialize",
                    [
                        "protocolVersion": "2025-11-25", "capabilities": [:],
                        "clientInfo": ["name": "c", "version": "1"],
                    ]
                )
            )
        )
        let answer = await Self.messages(of: initialize)
        #expect(answer.map(\.kind) == [.response(errorCode: -32022)] && answer.first?.httpStatus == 400)

        let bare = Self.exchange(Self.headers("echo"))
        Self.send(bare, JSONWriter.encode(SessionHarness.request(1, "echo", [:])))
        #expect(await Self.messages(of: bare).map(\.kind) == [.response(errorCode: -32602)])
    }

    @Test func aRemovedMethodIsNotFoundAndABatchOrJunkIsRefused() async throws {
        let ping = Self.exchange(Self.headers("ping"))
        Self.send(ping, Self.body(1, "ping"))
        let notFound = await Self.messages(of: ping)
        #expect(notFound.map(\.kind) == [.response(errorCode: -32601)] && notFound.first?.httpStatus == 404)

        let batch = Self.exchange(Self.headers("echo"))
        Self.send(batch, Array("[\(String(decoding: Self.body(1, "echo"), as: UTF8.self))]".utf8))
        #expect(await Self.messages(of: batch).map(\.kind) == [.response(errorCode: -32600)])

        let junk = Self.exchange(Self.headers("echo"))
        Self.send(junk, Array("{not json".utf8))
        let parseError = await Self.messages(of: junk)
        #expect(parseError.map(\.kind) == [.response(errorCode: -32700)] && parseError.first?.httpStatus == 400)
    }

    @Test func aNotificationOrAResponseEndsTheExchangeWithNothing() async {
        let notification = Self.exchange(Self.headers("notifications/cancelled"))
        Self.send(
            notification,
            JSONWriter.encode(SessionHarness.notification("notifications/cancelled", ["requestId": 7]))
        )
        #expect(await Self.messages(of: notification).isEmpty)

        let response = Self.exchange(Self.headers("echo"))
        Self.send(response, Array(#"{"jsonrpc":"2.0","id":3,"result":{}}"#.utf8))
        #expect(await Self.messages(of: response).isEmpty)
    }

    @Test func whatIsSentForTheRequestComesBeforeItsResponseAndNothingAfter() async throws {
        var router = RequestRouter()
        router.on("work") { _, context in
            context.reportProgress(1, total: 2)
            context.reportProgress(2, total: 2)
            return ["done": true]
        }
        let exchange = Self.exchange(Self.headers("work"), router: router)
        var params: [String: JSONValue] = [:]
        var meta = Self.meta.objectValue ?? [:]
        meta["progressToken"] = "p1"
        params["_meta"] = .object(meta)
        Self.send(exchange, JSONWriter.encode(SessionHarness.request(1, "work", .object(params))))
        let messages = await Self.messages(of: exchange)
        #expect(messages.map(\.kind) == [.notification, .notification, .response(errorCode: nil)])
        #expect(try Self.json(messages[0])["params"]?["progressToken"] == "p1")
        // The response ended the output: a late message is dropped.
        #expect(!exchange.session.write(.notification(method: "notifications/progress", params: [:])))
    }

    @Test func cancellingTheExchangeCancelsTheRequestAndSendsNothingMore() async throws {
        let routes = TestRoutes()
        let ended = Recorder<String>()
        let exchange = Self.exchange(Self.headers("slow"), router: routes.router, ended: ended)
        Self.send(exchange, Self.body(1, "slow"))
        #expect(await routes.started.wait(forCount: 1) == [.int(1)])
        exchange.cancel()
        #expect(await Self.messages(of: exchange).isEmpty)
        #expect(await routes.interrupted.wait(forCount: 1) == [.int(1)])
        #expect(await ended.wait(forCount: 1) == ["x-test"])
    }

    @Test func aReaderThatGoesAwayCancelsTheRequest() async throws {
        let routes = TestRoutes()
        let exchange = Self.exchange(Self.headers("slow"), router: routes.router)
        let reader = Task { await Self.messages(of: exchange) }
        Self.send(exchange, Self.body(1, "slow"))
        #expect(await routes.started.wait(forCount: 1) == [.int(1)])
        reader.cancel()
        #expect(await reader.value.isEmpty)
        #expect(await routes.interrupted.wait(forCount: 1) == [.int(1)])
    }

    @Test func anExchangeTakesOneBody() async throws {
        let observer = RecordingObserver()
        let routes = TestRoutes()
        let exchange = Self.exchange(Self.headers("gated"), router: routes.router, observer: observer)
        Self.send(exchange, Self.body(1, "gated"))
        Self.send(exchange, Self.body(2, "gated"))
        routes.gate.open()
        let messages = await Self.messages(of: exchange)
        #expect(messages.count == 1)
        #expect(try Self.json(messages.first)["id"] == 1)
        #expect(observer.records.map(\.id) == [.int(1)])
    }

    @Test func closingTheSessionEndsTheStream() async throws {
        let routes = TestRoutes()
        let exchange = Self.exchange(Self.headers("slow"), router: routes.router)
        Self.send(exchange, Self.body(1, "slow"))
        #expect(await routes.started.wait(forCount: 1) == [.int(1)])
        await exchange.session.close(grace: .zero)
        #expect(await Self.messages(of: exchange).isEmpty)
    }
}

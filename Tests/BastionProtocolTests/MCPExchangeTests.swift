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
        ended: Recorder<String> = Recorder<String>(),
        quota: ExchangeQuota? = nil
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
            logger: SessionHarness.logger,
            quota: quota
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

    @discardableResult
    private static func send(_ exchange: MCPExchange, _ body: [UInt8]) -> MCPExchange.Body {
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

    @Test func aNotificationIsTakenAndARefusedNotificationOrAResponseIsARefusal() async throws {
        let notification = Self.exchange(Self.headers("notifications/cancelled"))
        let taken = Self.send(
            notification,
            JSONWriter.encode(SessionHarness.notification("notifications/cancelled", ["requestId": 7]))
        )
        guard case .notification = taken else {
            Issue.record("taken as \(taken)")
            return
        }
        #expect(await Self.messages(of: notification).isEmpty)

        // Review 14, finding 5: these got no answer and looked taken (202) to the transport.
        let observer = RecordingObserver()
        let malformed = Self.exchange(Self.headers("notifications/cancelled"), observer: observer)
        let refused = Self.send(malformed, Array(#"{"jsonrpc":"1.0","method":"notifications/cancelled"}"#.utf8))
        guard case .refused(let error) = refused else {
            Issue.record("taken as \(refused)")
            return
        }
        #expect(error.code == -32600 && MCPRequestHeaders.httpStatus(forErrorCode: error.code) == 400)
        #expect(await Self.messages(of: malformed).isEmpty)
        #expect(observer.records.count == 1)

        let response = Self.exchange(Self.headers("echo"), observer: observer)
        let posted = Self.send(response, Array(#"{"jsonrpc":"2.0","id":3,"result":{}}"#.utf8))
        guard case .refused(let answer) = posted else {
            Issue.record("taken as \(posted)")
            return
        }
        #expect(answer.code == -32600)
        #expect(await Self.messages(of: response).isEmpty)
        #expect(observer.records.count == 2)
    }

    @Test func aRequestThatArrivesAsTheSessionClosesIsRefusedRecordedAndAnswered() async throws {
        // Review 14, finding 4: it was dropped with neither a record nor an answer.
        let observer = RecordingObserver()
        let exchange = Self.exchange(Self.headers("echo"), observer: observer)
        await exchange.session.close(grace: .zero)
        let body = Self.send(exchange, Self.body(1, "echo"))
        guard case .request = body else {
            Issue.record("taken as \(body)")
            return
        }
        let messages = await Self.messages(of: exchange)
        #expect(messages.map(\.kind) == [.response(errorCode: -32600)])
        #expect(observer.records.map(\.method) == ["echo"])
    }

    @Test func theClientsRequestsShareItsQuota() async throws {
        let routes = TestRoutes()
        let quota = ExchangeQuota(maximumRunning: 1)
        let first = Self.exchange(Self.headers("slow"), router: routes.router, quota: quota)
        Self.send(first, Self.body(1, "slow"))
        #expect(await routes.started.wait(forCount: 1) == [.int(1)])
        let second = Self.exchange(Self.headers("echo"), router: routes.router, quota: quota)
        Self.send(second, Self.body(1, "echo"))
        let busy = await Self.messages(of: second)
        #expect(busy.map(\.kind) == [.response(errorCode: -32005)])
        #expect(try Self.json(busy.first)["error"]?["message"]?.stringValue?.contains("of this client") == true)
        first.cancel()
        _ = await Self.messages(of: first)
        for _ in 0..<200 where quota.held.running > 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(quota.held.running == 0)
        let third = Self.exchange(Self.headers("echo"), router: routes.router, quota: quota)
        Self.send(third, Self.body(1, "echo"))
        #expect(await Self.messages(of: third).map(\.kind) == [.response(errorCode: nil)])
        #expect(quota.held.running == 0)
    }

    @Test func theClientsListensShareItsQuota() async throws {
        var router = RequestRouter()
        router.on("listen") { _, context throws(JSONRPCError) in
            try context.session.reserveListen()
            defer { context.session.releaseListen() }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(10)) }
            throw .internalError("ended")
        }
        let quota = ExchangeQuota(maximumRunning: 10, maximumListens: 1)
        let open = Self.exchange(Self.headers("listen"), router: router, quota: quota)
        Self.send(open, Self.body(1, "listen"))
        for _ in 0..<200 where quota.held.listens == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let refused = Self.exchange(Self.headers("listen"), router: router, quota: quota)
        Self.send(refused, Self.body(2, "listen"))
        #expect(await Self.messages(of: refused).map(\.kind) == [.response(errorCode: -32005)])
        open.cancel()
        for _ in 0..<200 where quota.held != (0, 0) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(quota.held == (0, 0))
    }

    @Test func theAnswerKeepsItsReservationUntilTheTransportHasIt() async throws {
        // Review 14, finding 2: the reservation was released once the answer was yielded.
        final class Reservation: Sendable {}
        var router = RequestRouter()
        let reservation = Reservation()
        router.on("big") { _, context in
            context.holdUntilAnswered(reservation)
            return ["big": true]
        }
        let exchange = Self.exchange(Self.headers("big"), router: router)
        Self.send(exchange, Self.body(1, "big"))
        let messages = await Self.messages(of: exchange)
        #expect(messages.first?.held.contains { $0 === reservation } == true)
    }

    @Test func aListenFloodNeverDropsTheAcknowledgementAndEndsTheStalledStream() async throws {
        // Review 14, finding 3: the oldest (the acknowledgement) was dropped.
        var router = RequestRouter()
        router.on("listen") { _, context throws(JSONRPCError) in
            context.session.beginListen(context.id, filter: ListenFilter(toolsListChanged: true), honored: [:])
            for _ in 0..<(MCPExchange.maximumBufferedMessages + 50) {
                context.session.notify(method: "notifications/tools/list_changed")
            }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(10)) }
            throw .internalError("ended")
        }
        let exchange = Self.exchange(Self.headers("listen"), router: router)
        Self.send(exchange, Self.body(1, "listen"))
        for _ in 0..<400 where !exchange.session.state.withLock({ $0.listens.isEmpty }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let messages = await Self.messages(of: exchange)  // ends: the client must listen again
        #expect(messages.count == MCPExchange.maximumBufferedMessages)
        #expect(try Self.json(messages.first)["method"] == "notifications/subscriptions/acknowledged")
    }

    @Test func aProgressFloodDropsProgressAndKeepsTheResponse() async throws {
        var router = RequestRouter()
        router.on("work") { _, context in
            for step in 1...(MCPExchange.maximumBufferedMessages + 50) { context.reportProgress(Double(step)) }
            return ["done": true]
        }
        let exchange = Self.exchange(Self.headers("work"), router: router)
        var meta = Self.meta.objectValue ?? [:]
        meta["progressToken"] = "p"
        Self.send(exchange, JSONWriter.encode(SessionHarness.request(1, "work", ["_meta": .object(meta)])))
        for _ in 0..<400 where !exchange.session.state.withLock({ $0.isIdle }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let messages = await Self.messages(of: exchange)
        #expect(messages.count == MCPExchange.maximumBufferedMessages + 1)
        #expect(messages.last?.kind == .response(errorCode: nil))
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
        guard case .refused = Self.send(exchange, Self.body(2, "gated")) else {
            Issue.record("a second body")
            return
        }
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

import Synchronization
import Testing

@testable import BastionProtocol

struct SessionObserverTests {
    /// Implements only the required method, relying on the default no-op implementations.
    final class MinimalObserver: SessionObserver {
        let records = Recorder<RequestRecord>()
        func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? {
            records.append(record)
            return nil
        }
    }

    @Test func aMinimalObserverStillGetsEveryRecord() async {
        let observer = MinimalObserver()
        let sink = RecordingSink()
        let configuration = MCPSession.Configuration(
            identity: SessionHarness.identity,
            capabilities: ServerCapabilities()
        )
        let session = MCPSession(
            configuration: configuration,
            router: RequestRouter(),
            sink: sink,
            observer: observer,
            id: "s-min",
            logger: SessionHarness.logger
        )
        for frame in [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#,
        ] {
            Array(frame.utf8).withUnsafeBytes { session.receive($0) }
        }
        await session.close(grace: .milliseconds(50))
        #expect(observer.records.elements.map(\.id) == [.int(1), .int(2)])
        #expect(sink.messages.count == 2)
    }

    @Test func initializationAndCloseReachAFullObserver() async throws {
        let harness = SessionHarness(id: "s-full")
        harness.initialize("2025-03-26", capabilities: ["roots": [:]], clientName: "inspector")
        await harness.session.close(grace: .milliseconds(50))
        #expect(harness.observer.initializations.count == 1)
        let initialization = try #require(harness.observer.initializations.first)
        #expect(initialization.version == .v2025_03_26)
        #expect(initialization.client.name == "inspector")
        #expect(initialization.client.supportsRoots)
        #expect(harness.observer.closedSessions == ["s-full"])
    }

    /// Refuses `guarded` requests, as the audit layer does while its log cannot be written.
    final class RefusingObserver: SessionObserver {
        let records = Recorder<RequestRecord>()
        func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? {
            records.append(record)
            return nil
        }
        func sessionShouldAccept(_ session: MCPSession, method: String) -> JSONRPCError? {
            method == "guarded" ? JSONRPCError(code: -32603, message: "audit log unavailable: test") : nil
        }
    }

    @Test func theDefaultAcceptsEveryRequest() {
        let harness = SessionHarness()
        #expect(MinimalObserver().sessionShouldAccept(harness.session, method: "tools/call") == nil)
    }

    @Test func aRefusedRequestIsAnsweredWithTheErrorRecordedAndNeverRun() async throws {
        let observer = RefusingObserver()
        let sink = RecordingSink()
        let ran = Atomic<Int>(0)
        var router = RequestRouter()
        for method in ["guarded", "open"] {
            router.on(method, start: .inline) { _, _ in
                ran.add(1, ordering: .relaxed)
                return "done"
            }
        }
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: SessionHarness.identity,
                capabilities: ServerCapabilities()
            ),
            router: router,
            sink: sink,
            observer: observer,
            id: "s-refuse",
            logger: SessionHarness.logger
        )
        for frame in [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"guarded"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"open"}"#,
        ] {
            Array(frame.utf8).withUnsafeBytes { session.receive($0) }
        }
        let refused = try #require(await sink.waitForResponse(to: 2))
        #expect(refused["error"] == ["code": -32603, "message": "audit log unavailable: test"])
        let answered = try #require(await sink.waitForResponse(to: 3))
        #expect(answered["result"] == "done")
        await session.close(grace: .milliseconds(50))
        #expect(ran.load(ordering: .relaxed) == 1)
        let record = try #require(observer.records.elements.first { $0.id == .int(2) })
        #expect(record.outcome == .rejected(code: -32603, message: "audit log unavailable: test"))
    }

    @Test func aBatchWithARefusedRequestIsRefusedWholeAndNothingRuns() async throws {
        let observer = RefusingObserver()
        let sink = RecordingSink()
        let ran = Atomic<Int>(0)
        var router = RequestRouter()
        for method in ["guarded", "open"] {
            router.on(method, start: .inline) { _, _ in
                ran.add(1, ordering: .relaxed)
                return "done"
            }
        }
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: SessionHarness.identity,
                capabilities: ServerCapabilities()
            ),
            router: router,
            sink: sink,
            observer: observer,
            id: "s-batch",
            logger: SessionHarness.logger
        )
        // 2025-03-26: the one revision with JSON-RPC batches.
        for frame in [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"[{"jsonrpc":"2.0","id":2,"method":"open"},{"jsonrpc":"2.0","id":3,"method":"guarded"}]"#,
        ] {
            Array(frame.utf8).withUnsafeBytes { session.receive($0) }
        }
        let refused = try #require(await sink.waitForResponse(to: .null))
        #expect(refused["error"] == ["code": -32603, "message": "audit log unavailable: test"])
        await session.close(grace: .milliseconds(50))
        #expect(ran.load(ordering: .relaxed) == 0)
        #expect(sink.responses(to: 2).isEmpty && sink.responses(to: 3).isEmpty)
    }

    /// Cannot keep the record of `unkept` requests, as the audit layer when a write fails.
    final class UnrecordingObserver: SessionObserver {
        func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? {
            record.method == "unkept" || record.method == "ping"
                ? JSONRPCError(code: -32603, message: "audit log unavailable: full") : nil
        }
    }

    @Test(arguments: [RequestRouter.StartPolicy.inline, .pool])
    func aResultWhoseRecordWasNotKeptIsNeverSent(start: RequestRouter.StartPolicy) async throws {
        let sink = RecordingSink()
        var router = RequestRouter()
        for method in ["unkept", "kept"] { router.on(method, start: start) { _, _ in "the result" } }
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: SessionHarness.identity,
                capabilities: ServerCapabilities()
            ),
            router: router,
            sink: sink,
            observer: UnrecordingObserver(),
            id: "s-unkept",
            logger: SessionHarness.logger
        )
        // 2025-03-26: the one revision with JSON-RPC batches.
        for frame in [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"unkept"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"kept"}"#,
            #"[{"jsonrpc":"2.0","id":4,"method":"unkept"},{"jsonrpc":"2.0","id":5,"method":"kept"}]"#,
            #"{"jsonrpc":"2.0","id":6,"method":"ping"}"#,
        ] {
            Array(frame.utf8).withUnsafeBytes { session.receive($0) }
        }
        let unkept = try #require(await sink.waitForResponse(to: 2))
        #expect(unkept["error"] == ["code": -32603, "message": "audit log unavailable: full"])
        #expect(unkept["result"] == nil)
        #expect(try #require(await sink.waitForResponse(to: 3))["result"] == "the result")
        #expect(try #require(await sink.waitForResponse(to: 6))["error"]?["code"] == -32603)
        await session.close(grace: .milliseconds(100))
        let batch = sink.messages.compactMap(\.arrayValue).flatMap { $0 }
        #expect(batch.first { $0["id"] == 4 }?["error"]?["code"] == -32603)
        #expect(batch.first { $0["id"] == 5 }?["result"] == "the result")
    }
}

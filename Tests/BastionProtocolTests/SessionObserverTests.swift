import Testing

@testable import BastionProtocol

struct SessionObserverTests {
    /// Implements only the required method, relying on the default no-op implementations.
    final class MinimalObserver: SessionObserver {
        let records = Recorder<RequestRecord>()
        func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) { records.append(record) }
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
}

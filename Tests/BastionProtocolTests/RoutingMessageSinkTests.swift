import Synchronization
import Testing

@testable import BastionProtocol

/// A session routes every message through a routing sink (RoutingMessageSink.swift).
struct RoutingMessageSinkTests {
    final class Recorder: RoutingMessageSink {
        let routes = Mutex<[MessageRoute]>([])
        let plain = Mutex(0)
        func send(_ message: consuming [UInt8]) -> Bool {
            plain.withLock { $0 += 1 }
            return true
        }
        func send(_ message: consuming [UInt8], route: MessageRoute) -> Bool {
            routes.withLock { $0.append(route) }
            return true
        }
    }

    @Test func answersAndRefusalsCarryTheirRoute() async throws {
        let sink = Recorder()
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: SessionHarness.identity,
                capabilities: ServerCapabilities()
            ),
            router: RequestRouter(),
            sink: sink,
            observer: RecordingObserver(),
            id: "s-routing",
            logger: SessionHarness.logger
        )
        let initialize =
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        for text in [initialize, "{not json"] { Array(text.utf8).withUnsafeBytes { session.receive($0) } }
        for _ in 0..<200 where sink.routes.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        let routes = sink.routes.withLock { $0 }
        #expect(routes.contains(.response(to: .int(1))))
        #expect(routes.contains(.refusal))
        #expect(sink.plain.withLock { $0 } == 0)
    }
}

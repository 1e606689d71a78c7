import Synchronization
import Testing

@testable import BastionProtocol

struct MessageSinkTests {
    /// Keeps the raw bytes handed to it and answers with a fixed result.
    final class RawSink: MessageSink {
        let isAccepting: Bool
        let sent = Mutex<[[UInt8]]>([])
        init(isAccepting: Bool) { self.isAccepting = isAccepting }
        func send(_ message: [UInt8]) -> Bool {
            sent.withLock { $0.append(message) }
            return isAccepting
        }
    }

    private func makeSession(sink: RawSink) -> MCPSession {
        MCPSession(
            configuration: MCPSession.Configuration(
                identity: SessionHarness.identity,
                capabilities: ServerCapabilities()
            ),
            router: RequestRouter(),
            sink: sink,
            observer: RecordingObserver(),
            id: "s-raw",
            logger: SessionHarness.logger
        )
    }

    @Test func theSessionHandsOverOneCompactMessageWithoutFraming() throws {
        let sink = RawSink(isAccepting: true)
        let session = makeSession(sink: sink)
        Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8).withUnsafeBytes { session.receive($0) }
        let sent = sink.sent.withLock { $0 }
        try #require(sent.count == 1)
        #expect(String(decoding: sent[0], as: UTF8.self) == #"{"id":1,"jsonrpc":"2.0","result":{}}"#)
        #expect(!sent[0].contains(0x0A))
    }

    @Test func writeReportsWhatTheSinkReturned() {
        #expect(makeSession(sink: RawSink(isAccepting: true)).write(.notification(method: "n", params: nil)))
        #expect(!makeSession(sink: RawSink(isAccepting: false)).write(.notification(method: "n", params: nil)))
    }

    @Test func aServerRequestFailsAtOnceWhenThePeerIsGone() async {
        let session = makeSession(sink: RawSink(isAccepting: false))
        let error = await #expect(throws: JSONRPCError.self) {
            try await session.sendRequest(method: "roots/list", timeout: .seconds(30))
        }
        #expect(error?.code == JSONRPCError.internalErrorCode)
    }
}

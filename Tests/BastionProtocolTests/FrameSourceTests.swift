import Testing

@testable import BastionProtocol

struct FrameSourceTests {
    /// A source that pushes its frames synchronously, in order, as the stdio reader thread does.
    private struct ThreadSource: FrameSource {
        let frames: [String]
        func deliver(to receiver: any FrameReceiver) async {
            for frame in frames { Array(frame.utf8).withUnsafeBytes { receiver.receive($0) } }
        }
    }

    @Test func aSessionIsAReceiverASourceCanPushFramesInto() async {
        let harness = SessionHarness()
        await ThreadSource(frames: [
            #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#,
        ]).deliver(to: harness.session)
        let messages = await harness.sink.waitForMessages(2)
        #expect(messages.map { $0["id"] } == [1, 2])
    }
}

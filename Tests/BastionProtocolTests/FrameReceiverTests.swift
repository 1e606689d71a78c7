import Testing

@testable import BastionProtocol

struct FrameReceiverTests {
    @Test func aSessionReceivesFramesAsAFrameReceiver() async throws {
        let harness = SessionHarness()
        let receiver: any FrameReceiver = harness.session
        Array(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#.utf8).withUnsafeBytes { receiver.receive($0) }
        receiver.receiveOversizedFrame(byteCount: 5_000_000)
        let messages = await harness.sink.waitForMessages(2)
        try #require(messages.count == 2)
        #expect(messages[0] == ["jsonrpc": "2.0", "id": "p", "result": [:]])
        #expect(messages[1]["id"] == .null)
        #expect(messages[1]["error"]?["code"] == -32600)
    }
}

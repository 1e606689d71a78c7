import BastionProtocol
import Testing

@testable import BastionTransport

struct FrameReceiverTests {
    @Test func aSessionReceivesFramesAsAFrameReceiver() throws {
        let output = try Pipe()
        let receiver: any FrameReceiver = TestSession.make(sink: FileDescriptorSink(descriptor: output.writeEnd))
        Array(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#.utf8).withUnsafeBytes { receiver.receive($0) }
        receiver.receiveOversizedFrame(byteCount: 5_000_000)
        output.closeWrite()
        let lines = output.readLines()
        try #require(lines.count == 2)
        #expect(try JSONParser.parse(lines[0]) == ["jsonrpc": "2.0", "id": "p", "result": [:]])
        let refusal = try JSONParser.parse(lines[1])
        #expect(refusal["id"] == .null)
        #expect(refusal["error"]?["code"] == -32600)
    }

    @Test func theFrameBufferIsOnlyBorrowed() {
        // A receiver must copy what it keeps: the transport reuses its buffer for the next frame.
        let receiver = RecordingReceiver()
        var buffer = Array("first".utf8)
        buffer.withUnsafeBytes { receiver.receive($0) }
        buffer.replaceSubrange(0..<5, with: Array("other".utf8))
        buffer.withUnsafeBytes { receiver.receive($0) }
        #expect(receiver.events == [.frame("first"), .frame("other")])
    }
}

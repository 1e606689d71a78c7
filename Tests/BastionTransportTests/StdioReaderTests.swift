import BastionProtocol
import Testing

@testable import BastionTransport

struct StdioReaderTests {
    @Test func framesGoStraightToTheReceiverUntilEndOfInput() async throws {
        let input = try Pipe()
        input.write("{\"a\":1}\nsecond\n")
        input.closeWrite()
        let receiver = RecordingReceiver()
        let reader = StdioReader(
            input: input.readEnd,
            maxFrameBytes: 64,
            sink: FileDescriptorSink(descriptor: -1),
            logger: TestSession.logger
        )
        await reader.deliver(to: receiver)
        #expect(receiver.events == [.frame(#"{"a":1}"#), .frame("second")])
    }

    @Test func aCancelledDeliveryReturnsWhileTheInputStaysOpen() async throws {
        // The server stops a connection whose client keeps stdin open: the reader thread stays
        // blocked in read(2), but the connection must end and hand nothing more to its session.
        let input = try Pipe()
        let receiver = RecordingReceiver()
        let reader = StdioReader(
            input: input.readEnd,
            maxFrameBytes: 64,
            sink: FileDescriptorSink(descriptor: -1),
            logger: TestSession.logger
        )
        input.write("first\n")
        let delivery = Task { await reader.deliver(to: receiver) }
        var rounds = 0
        while receiver.events.isEmpty, rounds < 2_000 {
            try await Task.sleep(for: .milliseconds(5))
            rounds += 1
        }
        delivery.cancel()
        await delivery.value
        input.write("late\n")
        try await Task.sleep(for: .milliseconds(50))
        #expect(receiver.events == [.frame("first")])
        input.closeWrite()
    }
}

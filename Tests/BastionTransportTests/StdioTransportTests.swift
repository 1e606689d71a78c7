import BastionProtocol
import Synchronization
import Testing

@testable import BastionTransport

struct StdioTransportTests {
    /// Writes `text` to `pipe` and closes it, on a thread of its own: a blocking `write(2)` on the
    /// cooperative pool could starve the task that starts the transport's reader.
    private func feed(_ pipe: Pipe, _ text: String) async {
        await ReaderThread.run {
            pipe.write(text)
            pipe.closeWrite()
        }
    }

    @Test func defaultsToStandardInputAndOutput() {
        let transport = StdioTransport(maxFrameBytes: 1024)
        #expect(transport.input == 0)
        #expect(transport.output == 1)
        #expect(transport.maxFrameBytes == 1024)
    }

    @Test func framesAreDeliveredInOrderAndEndOfInputEndsRun() async throws {
        let input = try Pipe()
        let receiver = RecordingReceiver()
        input.write("{\"a\":1}\n\n{\"b\":2}\r\n  \nlast")
        input.closeWrite()
        await StdioTransport(input: input.readEnd, output: -1, maxFrameBytes: 1024)
            .run(receiver: receiver, logger: TestSession.logger)
        #expect(receiver.events == [.frame(#"{"a":1}"#), .frame(#"{"b":2}"#), .frame("last")])
    }

    @Test func anEmptyInputEndsRunWithoutFrames() async throws {
        let input = try Pipe()
        input.closeWrite()
        let receiver = RecordingReceiver()
        await StdioTransport(input: input.readEnd, output: -1, maxFrameBytes: 1024)
            .run(receiver: receiver, logger: TestSession.logger)
        #expect(receiver.events.isEmpty)
    }

    @Test func inputWrittenWhileRunningIsDelivered() async throws {
        let input = try Pipe()
        let receiver = RecordingReceiver()
        let transport = StdioTransport(input: input.readEnd, output: -1, maxFrameBytes: 1 << 20)
        // Bigger than the 64 KiB read buffer and the pipe, so the line arrives in several reads.
        let big = String(repeating: "b", count: 200_000)
        async let running: Void = transport.run(receiver: receiver, logger: TestSession.logger)
        async let feeding: Void = feed(input, "one\n" + big + "\nthree\n")
        _ = await (running, feeding)
        #expect(receiver.events == [.frame("one"), .frame(big), .frame("three")])
    }

    @Test func anOversizedLineIsReportedAndLaterLinesStillArrive() async throws {
        let input = try Pipe()
        let receiver = RecordingReceiver()
        let transport = StdioTransport(input: input.readEnd, output: -1, maxFrameBytes: 16)
        async let running: Void = transport.run(receiver: receiver, logger: TestSession.logger)
        async let feeding: Void = feed(input, "ok\n" + String(repeating: "x", count: 100_000) + "\nafter\n")
        _ = await (running, feeding)
        #expect(receiver.events == [.frame("ok"), .oversized(100_000), .frame("after")])
    }

    @Test func makeSinkWritesToTheOutput() throws {
        let output = try Pipe()
        let sink = StdioTransport(input: -1, output: output.writeEnd, maxFrameBytes: 16).makeSink()
        sink.send(Array("{}".utf8))
        output.closeWrite()
        #expect(output.readLines() == ["{}"])
    }

    @Test func aSessionOverPipesAnswersEveryRequest() async throws {
        let input = try Pipe()
        let output = try Pipe()
        let transport = StdioTransport(input: input.readEnd, output: output.writeEnd, maxFrameBytes: 1 << 20)
        let session = TestSession.make(sink: transport.makeSink())
        input.write(
            TestSession.initialize + "\n" + #"{"jsonrpc":"2.0","method":"notifications/initialized"}"# + "\n"
                + #"{"jsonrpc":"2.0","id":2,"method":"ping"}"# + "\r\n"
                + #"{"jsonrpc":"2.0","id":3,"method":"echo","params":{"text":"hi"}}"# + "\n" + "{oops\n"
        )
        input.closeWrite()
        await transport.run(receiver: session, logger: TestSession.logger)
        await session.close(grace: .seconds(10))
        output.closeWrite()
        let messages = try output.readLines().map { try JSONParser.parse($0) }
        #expect(messages.count == 4)
        // Inline answers keep the input order; the routed one may come later.
        #expect(messages.first?["id"] == 1)
        #expect(messages.first?["result"]?["protocolVersion"] == "2025-06-18")
        #expect(messages.dropFirst().first?["id"] == 2)
        #expect(messages.contains(["jsonrpc": "2.0", "id": 3, "result": ["text": "hi"]]))
        #expect(messages.contains { $0["id"] == .null && $0["error"]?["code"] == -32700 })
    }

    @Test func readingStopsOnceNoOneReadsTheAnswers() async throws {
        signal(SIGPIPE, SIG_IGN)
        let input = try Pipe()
        let output = try Pipe()
        output.closeRead()
        let transport = StdioTransport(input: input.readEnd, output: output.writeEnd, maxFrameBytes: 1_024)
        let receiver = AnsweringReceiver(sink: transport.makeSink())
        // stdin stays open: without the check, run would wait for more requests forever.
        input.write("{\"id\":1}\n")
        await transport.run(receiver: receiver, logger: TestSession.logger)
        #expect(transport.sink.isPeerGone)
        #expect(receiver.count == 1)
    }
}

/// Answers every frame on the sink, as a session would.
private final class AnsweringReceiver: FrameReceiver {
    private let sink: FileDescriptorSink
    private let received = Atomic<Int>(0)
    init(sink: FileDescriptorSink) { self.sink = sink }
    var count: Int { received.load(ordering: .relaxed) }
    func receive(_ frame: UnsafeRawBufferPointer) {
        received.add(1, ordering: .relaxed)
        sink.send(Array("{}".utf8))
    }
    func receiveOversizedFrame(byteCount: Int) {}
}

#if canImport(Glibc)
import Glibc
#endif

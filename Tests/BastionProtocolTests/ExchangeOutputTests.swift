import Testing

@testable import BastionProtocol

/// An exchange's messages until its response (Internal/ExchangeOutput.swift).
struct ExchangeOutputTests {
    private static func output() -> (ExchangeOutput, AsyncStream<MCPExchange.Message>) {
        let (stream, continuation) = AsyncStream.makeStream(of: MCPExchange.Message.self)
        return (ExchangeOutput(headers: MCPRequestHeaders([]), continuation: continuation), stream)
    }

    @Test func theResponseIsTheLastMessage() async {
        let (output, stream) = Self.output()
        #expect(output.send([1]))
        #expect(output.deliver([2], kind: .response(errorCode: nil)))
        #expect(output.hasFinished)
        #expect(!output.deliver([3], kind: .notification))
        var kinds: [MCPExchange.Message.Kind] = []
        for await message in stream { kinds.append(message.kind) }
        #expect(kinds == [.notification, .response(errorCode: nil)])
    }

    @Test func finishingDropsWhatFollows() async {
        let (output, stream) = Self.output()
        output.finish()
        output.finish()
        #expect(!output.deliver([1], kind: .response(errorCode: -32603)))
        var count = 0
        for await _ in stream { count += 1 }
        #expect(count == 0)
    }

    @Test func aFullBufferKeepsTheNewestMessageAndStillEndsOnTheResponse() async {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MCPExchange.Message.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        let output = ExchangeOutput(headers: MCPRequestHeaders([]), continuation: continuation)
        #expect(output.send([1]))
        #expect(output.deliver([2], kind: .response(errorCode: nil)))
        #expect(output.hasFinished)
        var bytes: [[UInt8]] = []
        for await message in stream { bytes.append(message.bytes) }
        #expect(bytes == [[2]])
    }
}

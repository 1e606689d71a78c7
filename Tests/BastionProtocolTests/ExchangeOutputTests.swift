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

    private static func limited(_ limit: Int) -> (ExchangeOutput, AsyncStream<MCPExchange.Message>) {
        let (stream, continuation) = AsyncStream.makeStream(of: MCPExchange.Message.self)
        return (ExchangeOutput(headers: MCPRequestHeaders([]), continuation: continuation, limit: limit), stream)
    }

    @Test func pastItsLimitASupersededNotificationIsDroppedAndTheResponseKept() async {
        let (output, stream) = Self.limited(1)
        #expect(output.deliver([1], kind: .notification))
        #expect(!output.deliver([2], kind: .notification, droppable: true))
        #expect(!output.hasFinished)
        #expect(output.deliver([3], kind: .response(errorCode: nil)))
        var bytes: [[UInt8]] = []
        for await message in stream { bytes.append(message.bytes) }
        #expect(bytes == [[1], [3]])
    }

    @Test func pastItsLimitAChangeEndsTheOutput() async {
        let (output, stream) = Self.limited(1)
        #expect(output.deliver([1], kind: .notification))
        #expect(!output.deliver([2], kind: .notification))
        #expect(output.hasFinished)
        var bytes: [[UInt8]] = []
        for await message in stream { bytes.append(message.bytes) }
        #expect(bytes == [[1]])
    }

    @Test func whatTheTransportTookMakesRoom() {
        let (output, stream) = Self.limited(1)
        #expect(output.deliver([1], kind: .notification))
        output.taken()
        #expect(output.deliver([2], kind: .notification, droppable: true))
        withExtendedLifetime(stream) {}
    }

    @Test func aRefusalIsKeptOnce() {
        let (output, _) = Self.output()
        output.refuse(.invalidRequest("first"))
        output.refuse(.parseError("second"))
        #expect(output.refusal?.message.hasSuffix("first") == true)
    }
}

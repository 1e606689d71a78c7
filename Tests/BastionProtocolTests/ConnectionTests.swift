import Synchronization
import Testing

@testable import BastionProtocol

struct ConnectionTests {
    private final class Sink: MessageSink {
        let count = Mutex(0)
        func send(_ message: consuming [UInt8]) -> Bool {
            count.withLock { $0 += 1 }
            return true
        }
    }

    @Test func aConnectionCarriesItsCredentialsFramesAndSink() async {
        let (frames, input) = AsyncStream<Frame>.makeStream()
        let sink = Sink()
        let connection = Connection(credentials: .stdio(clientID: "local"), transport: "memory", frames: frames, sink: sink)
        input.yield(.message([1]))
        input.yield(.oversized(byteCount: 9))
        input.finish()
        var seen: [Frame] = []
        guard case .sequence(let sequence) = connection.inbound else {
            Issue.record("a connection made from frames must iterate them")
            return
        }
        for await frame in sequence { seen.append(frame) }
        #expect(seen == [.message([1]), .oversized(byteCount: 9)])
        #expect(connection.credentials == .stdio(clientID: "local"))
        #expect(connection.transport == "memory")
        connection.sink.send([0])
        #expect(sink.count.withLock { $0 } == 1)
    }

    private struct Source: FrameSource {
        func deliver(to receiver: any FrameReceiver) async {
            [UInt8]("x".utf8).withUnsafeBytes { receiver.receive($0) }
        }
    }

    private final class Receiver: FrameReceiver {
        let frames = Mutex<[[UInt8]]>([])
        func receive(_ frame: UnsafeRawBufferPointer) { frames.withLock { $0.append(Array(frame)) } }
        func receiveOversizedFrame(byteCount: Int) {}
    }

    @Test func aConnectionMadeFromASourceLetsItPushFrames() async {
        let connection = Connection(credentials: .stdio(clientID: "local"), transport: "stdio", source: Source(), sink: Sink())
        guard case .source(let source) = connection.inbound else {
            Issue.record("a connection made from a source must hand the source over")
            return
        }
        let receiver = Receiver()
        await source.deliver(to: receiver)
        #expect(receiver.frames.withLock { $0 } == [Array("x".utf8)])
    }
}

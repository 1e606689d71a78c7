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
        for await frame in connection.frames { seen.append(frame) }
        #expect(seen == [.message([1]), .oversized(byteCount: 9)])
        #expect(connection.credentials == .stdio(clientID: "local"))
        #expect(connection.transport == "memory")
        connection.sink.send([0])
        #expect(sink.count.withLock { $0 } == 1)
    }
}

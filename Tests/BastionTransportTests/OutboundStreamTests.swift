import BastionProtocol
import Testing

@testable import BastionTransport

/// One response stream of a handshake-era session (OutboundStream.swift).
struct OutboundStreamTests {
    @Test func aPOSTsStreamFinishesOnceEveryRequestIsAnswered() async {
        let stream = OutboundStream(number: 1, pending: [.int(1), .int(2)])
        #expect(stream.send(Array("progress".utf8)))
        stream.answer(Array("one".utf8), ids: [.int(1)])
        #expect(!stream.isDrained)
        stream.answer(Array("two".utf8), ids: [.int(2)])
        var seen: [String] = []
        while let message = await stream.next() { seen.append(String(decoding: message, as: UTF8.self)) }
        #expect(seen == ["progress", "one", "two"])
        #expect(stream.isDrained)
        #expect(!stream.send(Array("late".utf8)))
    }

    @Test func theStandaloneStreamOutlivesAnswers() async {
        let stream = OutboundStream(standalone: 3)
        stream.answer(Array("answer".utf8), ids: [])
        #expect(stream.send(Array("note".utf8)))
        #expect(await stream.next().map { String(decoding: $0, as: UTF8.self) } == "answer")
        #expect(await stream.next().map { String(decoding: $0, as: UTF8.self) } == "note")
        #expect(stream.number == 3 && stream.isStandalone)
        stream.finish()
        #expect(await stream.next() == nil)
    }

    @Test func notificationsPastTheLimitAreDroppedButAnAnswerIsNot() async {
        let stream = OutboundStream(number: 1, pending: [.int(1)])
        for _ in 0..<OutboundStream.maximumQueuedNotifications { #expect(stream.send([0x7B, 0x7D])) }
        #expect(!stream.send([0x7B, 0x7D]))
        stream.answer(Array("done".utf8), ids: [.int(1)])
        var count = 0
        var last: [UInt8] = []
        while let message = await stream.next() {
            count += 1
            last = message
        }
        #expect(count == OutboundStream.maximumQueuedNotifications + 1)
        #expect(String(decoding: last, as: UTF8.self) == "done")
    }
}

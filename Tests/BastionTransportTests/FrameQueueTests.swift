import BastionProtocol
import Foundation
import Synchronization
import Testing

@testable import BastionTransport

struct FrameQueueTests {
    private func push(_ queue: FrameQueue, _ text: String) {
        Array(text.utf8).withUnsafeBytes { queue.receive($0) }
    }

    @Test func framesComeOutInOrderAndTheEndEndsTheIteration() async {
        let queue = FrameQueue(capacity: 8)
        push(queue, "a")
        queue.receiveOversizedFrame(byteCount: 99)
        push(queue, "b")
        queue.finish()
        var seen: [Frame] = []
        for await frame in queue { seen.append(frame) }
        #expect(seen == [.message(Array("a".utf8)), .oversized(byteCount: 99), .message(Array("b".utf8))])
    }

    @Test func aWaitingConsumerGetsTheNextFrame() async {
        let queue = FrameQueue()
        let consumer = Task { () async -> Frame? in
            var iterator = queue.makeAsyncIterator()
            return await iterator.next()
        }
        try? await Task.sleep(for: .milliseconds(20))
        push(queue, "late")
        #expect(await consumer.value == .message(Array("late".utf8)))
    }

    /// Past its capacity the producer thread waits; it goes on once the consumer has taken half.
    @Test func aFullQueueHoldsTheProducerUntilTheConsumerCatchesUp() async {
        let queue = FrameQueue(capacity: 4)
        let produced = Atomic<Int>(0)
        let thread = Thread {
            for index in 0..<10 {
                Array("\(index)".utf8).withUnsafeBytes { queue.receive($0) }
                produced.add(1, ordering: .relaxed)
            }
            queue.finish()
        }
        thread.start()
        while produced.load(ordering: .relaxed) < 4 { try? await Task.sleep(for: .milliseconds(1)) }
        try? await Task.sleep(for: .milliseconds(50))
        let producedBeforeConsuming = produced.load(ordering: .relaxed)
        #expect(producedBeforeConsuming == 4)  // the fifth push waits for room
        var seen: [Frame] = []
        for await frame in queue { seen.append(frame) }
        #expect(seen.count == 10)
        #expect(seen.last == .message(Array("9".utf8)))
    }

    @Test func closingReleasesAWaitingProducerAndDropsTheRest() async {
        let queue = FrameQueue(capacity: 1)
        let finished = Atomic<Bool>(false)
        let thread = Thread {
            for _ in 0..<5 { Array("x".utf8).withUnsafeBytes { queue.receive($0) } }
            finished.store(true, ordering: .releasing)
        }
        thread.start()
        try? await Task.sleep(for: .milliseconds(30))
        let finishedEarly = finished.load(ordering: .acquiring)
        #expect(!finishedEarly)
        queue.close()
        while !finished.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(1)) }
        var iterator = queue.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }

    @Test func cancellingTheConsumerEndsItsWait() async {
        let queue = FrameQueue()
        let consumer = Task { () async -> Frame? in
            var iterator = queue.makeAsyncIterator()
            return await iterator.next()
        }
        try? await Task.sleep(for: .milliseconds(20))
        consumer.cancel()
        #expect(await consumer.value == nil)
    }
}

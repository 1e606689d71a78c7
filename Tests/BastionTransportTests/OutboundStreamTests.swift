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

/// Resumption: the replay log, readers taking a stream over.
struct OutboundStreamResumeTests {
    private func text(_ event: OutboundStream.Event?) -> String? {
        event.map { String(decoding: $0.message, as: UTF8.self) }
    }

    @Test func aResumedReaderGetsWhatFollowedItsEventThenTheRest() async throws {
        let stream = OutboundStream(number: 2, pending: [.int(1)], budget: ReplayBudget())
        #expect(stream.send(Array("a".utf8)))
        #expect(stream.send(Array("b".utf8)))
        let first = OutboundStream.firstReader
        #expect(await stream.next(first)?.sequence == 1)
        #expect(await stream.next(first)?.sequence == 2)
        #expect(stream.detach(first))
        #expect(!stream.isAttached)
        stream.answer(Array("done".utf8), ids: [.int(1)])
        let reader = try stream.resume(after: 1).get()
        #expect(stream.isAttached && !stream.isCurrent(first))
        #expect(await stream.next(first) == nil)  // taken over
        let replayed = await stream.next(reader)
        #expect(replayed?.sequence == 2 && text(replayed) == "b")
        let answer = await stream.next(reader)
        #expect(answer?.sequence == 3 && text(answer) == "done")
        #expect(stream.isDrained)
        #expect(await stream.next(reader) == nil)
    }

    @Test func anEventNeverSentOrNoLongerKeptCannotBeResumedFrom() async {
        let stream = OutboundStream(number: 1, pending: [.int(1)], budget: ReplayBudget())
        #expect(stream.resume(after: 0).isSuccess)  // the priming event
        #expect(stream.resume(after: 1) == .failure(.neverSent))
        let reader = try! stream.resume(after: 0).get()
        for _ in 0...OutboundStream.maximumReplayEvents {
            #expect(stream.send([0x7B, 0x7D]))
            _ = await stream.next(reader)
        }
        #expect(stream.resume(after: 0) == .failure(.expired))  // the oldest went first
        #expect(stream.resume(after: 1).isSuccess)
    }

    @Test func theSessionBudgetIsCheckedBeforeAnEventIsKept() async {
        let budget = ReplayBudget(limit: 8)
        let stream = OutboundStream(number: 1, pending: [.int(1)], budget: budget)
        #expect(stream.send(Array("12345".utf8)))
        #expect(stream.send(Array("123456789".utf8)))  // larger than the whole budget
        #expect(await stream.next()?.count == 5)
        #expect(budget.bytesUsed == 5)
        #expect(await stream.next()?.count == 9)
        #expect(budget.bytesUsed == 0 && stream.replayBytes == 0)
        #expect(stream.resume(after: 1) == .failure(.expired))
        #expect(stream.resume(after: 2).isSuccess)
        _ = stream.send(Array("1234".utf8))
        _ = await stream.next(try! stream.resume(after: 2).get())
        #expect(budget.bytesUsed == 4)
        stream.discardLog()
        #expect(budget.bytesUsed == 0)
    }

    @Test func aCancelledReaderReadsNil() async {
        let stream = OutboundStream(standalone: 1)
        let task = Task { await stream.next(OutboundStream.firstReader) }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == nil)
        #expect(stream.send(Array("later".utf8)))
        #expect(await stream.next().map { String(decoding: $0, as: UTF8.self) } == "later")
    }

    @Test func aWaitingReaderIsDisplacedByAResumption() async throws {
        let stream = OutboundStream(standalone: 1, budget: ReplayBudget())
        let waiting = Task { await stream.next(OutboundStream.firstReader) }
        try? await Task.sleep(for: .milliseconds(50))
        let reader = try stream.resume(after: 0).get()
        #expect(await waiting.value == nil)
        #expect(stream.send(Array("x".utf8)))
        #expect(await stream.next(reader)?.sequence == 1)
    }

    /// Review 16: what a reader takes from a stream its session forgot is not kept, so its bytes
    /// are not charged to a log nothing frees.
    @Test func aDiscardedStreamKeepsNothingItsReaderTakes() async {
        let budget = ReplayBudget(limit: 1 << 20)
        let stream = OutboundStream(standalone: 1, budget: budget)
        for _ in 0..<3 { #expect(stream.send(Array("note".utf8))) }
        stream.finish()
        stream.discardLog()
        var taken = 0
        while await stream.next(OutboundStream.firstReader) != nil { taken += 1 }
        #expect(taken == 3)
        #expect(budget.bytesUsed == 0)
    }
}

extension Result {
    fileprivate var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}

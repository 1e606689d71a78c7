import Synchronization
import Testing

@testable import BastionTransport

/// Refused connections recorded without flooding the audit (ConnectionRefusals.swift).
struct ConnectionRefusalsTests {
    @Test func aFloodIsRecordedOnceASecondWithItsCount() {
        let records = Mutex<[Int]>([])
        let refusals = ConnectionRefusals(flushesItself: false) { _, count in records.withLock { $0.append(count) } }
        let start = ContinuousClock.now
        refusals.note(.full, now: start)
        for step in 1...99 { refusals.note(.full, now: start + .milliseconds(step)) }
        #expect(records.withLock { $0 } == [1])
        refusals.flush(now: start + .seconds(1))
        #expect(records.withLock { $0 } == [1, 99])
    }

    /// Review 14, finding 6: two kinds never share a tally, so a record's count is of its kind.
    @Test func kindsAreCountedApart() {
        let records = Mutex<[String]>([])
        let refusals = ConnectionRefusals(flushesItself: false) { refusal, count in
            records.withLock { $0.append("\(refusal):\(count)") }
        }
        let start = ContinuousClock.now
        for step in 0..<3 { refusals.note(.full, now: start + .milliseconds(step)) }
        for step in 0..<5 { refusals.note(.malformed, now: start + .milliseconds(step)) }
        refusals.flush(now: start + .seconds(1))
        #expect(Set(records.withLock { $0 }) == ["full:1", "malformed:1", "full:2", "malformed:4"])
    }

    @Test func aDrainWritesTheCountsNotDueYet() {
        let records = Mutex<[Int]>([])
        let refusals = ConnectionRefusals(flushesItself: false) { _, count in records.withLock { $0.append(count) } }
        let start = ContinuousClock.now
        for _ in 0..<3 { refusals.note(.tooManyPending, now: start) }
        refusals.drain()
        #expect(records.withLock { $0 } == [1, 2])
    }

    @Test(arguments: [ConnectionLedger.Refusal.full, .tooManyPending, .tooManyForClient])
    func theReasonSaysWhichLimitAndHowMany(refusal: ConnectionLedger.Refusal) {
        #expect(refusal.reason(count: 1).hasPrefix("a connection "))
        #expect(refusal.reason(count: 7).hasPrefix("7 connections "))
        #expect(refusal.reason(count: 1) != ConnectionLedger.Refusal.full.reason(count: 1) || refusal == .full)
    }
}

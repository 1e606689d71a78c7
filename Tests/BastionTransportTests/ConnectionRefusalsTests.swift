import Synchronization
import Testing

@testable import BastionTransport

/// Refused connections recorded without flooding the audit (ConnectionRefusals.swift).
struct ConnectionRefusalsTests {
    @Test func aFloodIsRecordedOnceASecondWithItsCount() {
        let records = Mutex<[Int]>([])
        let refusals = ConnectionRefusals { _, count in records.withLock { $0.append(count) } }
        let start = ContinuousClock.now
        refusals.note(.full, now: start)
        for step in 1...99 { refusals.note(.full, now: start + .milliseconds(step)) }
        #expect(records.withLock { $0 } == [1])
        refusals.note(.full, now: start + .seconds(1))
        #expect(records.withLock { $0 } == [1, 100])
    }

    @Test(arguments: [ConnectionLedger.Refusal.full, .tooManyPending, .tooManyForClient])
    func theReasonSaysWhichLimitAndHowMany(refusal: ConnectionLedger.Refusal) {
        #expect(refusal.reason(count: 1).hasPrefix("a connection "))
        #expect(refusal.reason(count: 7).hasPrefix("7 connections "))
        #expect(refusal.reason(count: 1) != ConnectionLedger.Refusal.full.reason(count: 1) || refusal == .full)
    }
}

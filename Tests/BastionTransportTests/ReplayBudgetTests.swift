import Testing

@testable import BastionTransport

/// The bytes a session keeps for replay (ReplayBudget.swift).
struct ReplayBudgetTests {
    @Test func reservationsStayWithinTheLimit() {
        let budget = ReplayBudget(limit: 10)
        #expect(budget.reserve(6))
        #expect(!budget.reserve(5))
        #expect(budget.bytesUsed == 6)
        #expect(budget.reserve(4))
        budget.release(6)
        #expect(budget.bytesUsed == 4)
        #expect(!budget.reserve(-1))
        #expect(!budget.reserve(Int.max))
        #expect(ReplayBudget().limit == 4 << 20)
    }

    /// Review of the helper's work: 1024 sessions × 4 MiB must not be 4 GiB; the listener's
    /// budget bounds them together.
    @Test func sessionsShareTheListenersLimit() {
        let listener = ReplayBudget(limit: 10)
        let one = ReplayBudget(limit: 8, parent: listener)
        let two = ReplayBudget(limit: 8, parent: listener)
        #expect(one.reserve(6))
        #expect(!two.reserve(6))  // fits the session, not the listener
        #expect(two.bytesUsed == 0)
        #expect(two.reserve(4))
        #expect(listener.bytesUsed == 10)
        one.release(100)  // never more than held
        #expect(listener.bytesUsed == 4)
    }

    @Test func anEndedSessionGivesItsBytesBack() {
        let listener = ReplayBudget(limit: 10)
        do {
            let session = ReplayBudget(limit: 8, parent: listener)
            #expect(session.reserve(7))
            #expect(listener.bytesUsed == 7)
        }
        #expect(listener.bytesUsed == 0)
    }

    /// Review 16: one client's sessions share a budget under the listener's, so filling it
    /// leaves the other clients' resumptions alone.
    @Test func oneClientFillingItsShareLeavesAnothersAlone() {
        let sessions = LegacySessions(server: FakeHTTPServer(), settings: HTTPTransportSettings(port: 1))
        let greedy = (0..<64).map { _ in ReplayBudget(parent: sessions.replayBudget(of: "greedy")) }
        for budget in greedy { _ = budget.reserve(4 << 20) }
        #expect(sessions.replayBudget(of: "greedy").bytesUsed <= ReplayBudget.clientMaximumBytes)
        let other = ReplayBudget(parent: sessions.replayBudget(of: "other"))
        #expect(other.reserve(1 << 20))
        #expect(sessions.replayBudget.bytesUsed <= ReplayBudget.listenerMaximumBytes)
    }
}

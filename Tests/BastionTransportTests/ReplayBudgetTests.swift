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
}

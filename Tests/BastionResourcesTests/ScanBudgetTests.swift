import Testing

@testable import BastionResources

struct ScanBudgetTests {
    @Test func reservationsStopAtTheLimitAndReleasesGiveRoomBack() {
        let budget = ScanBudget(limit: 100)
        #expect(budget.reserve(60))
        #expect(!budget.reserve(41))
        #expect(budget.reserve(40))
        #expect(budget.heldBytes == 100)
        budget.release(60)
        #expect(budget.reserve(50))
        #expect(budget.heldBytes == 90)
        #expect(ScanBudget.cost(of: "é") == 66)
    }
}

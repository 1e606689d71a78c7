import Testing

@testable import Bastion

struct WaitingCountTests {
    @Test func oneClientFillsOnlyItsOwnSlots() {
        var count = WaitingCount()
        for _ in 0..<3 { #expect(count.admit("a", perClient: 3, total: 10) == nil) }
        #expect(count.admit("a", perClient: 3, total: 10)?.contains("3 calls of this client") == true)
        #expect(count.admit("b", perClient: 3, total: 10) == nil)
        #expect(count.total == 4)
    }

    @Test func theProcessWideCapHoldsAcrossClients() {
        var count = WaitingCount()
        #expect(count.admit("a", perClient: 3, total: 2) == nil)
        #expect(count.admit("b", perClient: 3, total: 2) == nil)
        #expect(count.admit("c", perClient: 3, total: 2) == "2 calls are already waiting for approval; try again later")
    }

    @Test func releasingFreesTheSlotAndForgetsIdleClients() {
        var count = WaitingCount()
        #expect(count.admit("a", perClient: 1, total: 10) == nil)
        count.release("a")
        count.release("a")  // one too many: ignored, never negative
        #expect(count.total == 0 && count.byClient.isEmpty)
        #expect(count.admit("a", perClient: 1, total: 10) == nil)
    }
}

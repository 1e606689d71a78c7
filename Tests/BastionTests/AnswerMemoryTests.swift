import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct AnswerMemoryTests {
    @Test func aReservationIsHeldByTheRequestUntilItIsOver() async throws {
        let budget = MemoryBudget(limit: 1_000)
        var context: RequestContext? = SessionTestSupport.makeContext()
        try await AnswerMemory(budget: budget, request: try #require(context)).reserve(600)
        #expect(budget.bytesInUse == 600)
        context = nil
        #expect(budget.bytesInUse == 0)
    }

    @Test func withoutABudgetEverythingIsGranted() async throws {
        try await AnswerMemory.unlimited.reserve(1 << 40)
        try await AnswerMemory(budget: nil, request: SessionTestSupport.makeContext()).reserve(1 << 40)
    }

    @Test func aToolSeesABusyBudgetAsAToolErrorSayingToRetry() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .milliseconds(10))
        let held = try await budget.reserve(90)
        let memory = AnswerMemory(budget: budget, request: SessionTestSupport.makeContext())
        await #expect {
            try await memory.reserveForTool(50)
        } throws: { error in
            guard let error = error as? ToolError else { return false }
            return error.message.hasPrefix("Server busy") && error.message.contains("retry")
        }
        await #expect {
            try await memory.reserveForTool(101)
        } throws: { error in
            (error as? ToolError)?.message.contains("memory_budget_mb") == true
        }
        held.release()
        #expect(budget.bytesInUse == 0)
    }

    @Test func aToolCancelledWhileWaitingSeesACancellation() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        let held = try await budget.reserve(100)
        let memory = AnswerMemory(budget: budget, request: SessionTestSupport.makeContext())
        let waiter = Task { try await memory.reserveForTool(10) }
        while budget.waitingCount == 0 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        held.release()
    }

    @Test func aProvisionalReservationIsTheCallersToHoldOrRelease() async throws {
        let budget = MemoryBudget(limit: 1_000)
        var context: RequestContext? = SessionTestSupport.makeContext()
        do {
            let memory = AnswerMemory(budget: budget, request: try #require(context))
            let probe = try #require(try await memory.reserveProvisionallyForTool(100))
            #expect(budget.bytesInUse == 100)
            probe.release()
            #expect(budget.bytesInUse == 0)
            memory.hold(try await memory.reserveProvisionallyForTool(700))
        }
        #expect(budget.bytesInUse == 700)
        context = nil
        #expect(budget.bytesInUse == 0)
        #expect(try await AnswerMemory.unlimited.reserveProvisionallyForTool(1 << 40) == nil)
    }
}

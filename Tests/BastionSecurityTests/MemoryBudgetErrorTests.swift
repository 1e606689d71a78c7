import Testing

@testable import BastionSecurity

struct MemoryBudgetErrorTests {
    @Test func busySaysRetryAndNamesTheSizes() {
        let error = MemoryBudgetError.busy(bytes: 140 << 20, limit: 256 << 20, waited: .seconds(5))
        #expect(error.code == .busy)
        #expect(error.message.hasPrefix("Server busy"))
        #expect(error.message.contains("140.0 MiB"))
        #expect(error.message.contains("256.0 MiB"))
        #expect(error.message.contains("retry"))
    }

    @Test func tooLargeNamesTheConfigurationKey() {
        let error = MemoryBudgetError.tooLarge(bytes: 300 << 20, limit: 256 << 20)
        #expect(error.code == .tooLarge)
        #expect(error.description.contains("memory_budget_mb"))
    }

    @Test func errorsCompareByCodeAndMessage() {
        #expect(MemoryBudgetError.cancelled == MemoryBudgetError(.cancelled, MemoryBudgetError.cancelled.message))
        #expect(MemoryBudgetError.cancelled != MemoryBudgetError(.busy, MemoryBudgetError.cancelled.message))
    }
}

import Testing

@testable import BastionResources

struct ExecutionErrorTests {
    @Test func errorsCompareByCodeAndMessageNotByLocation() {
        #expect(ExecutionError(.busy, "x") == ExecutionError(.busy, "x"))
        #expect(ExecutionError(.busy, "x") != ExecutionError(.denied, "x"))
        #expect(ExecutionError(.busy, "x").location.contains("ExecutionErrorTests"))
    }
}

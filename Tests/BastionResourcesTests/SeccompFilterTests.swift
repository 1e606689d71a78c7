import Testing

@testable import BastionResources

/// Installing is irreversible, so the filter is exercised on `bastion sandbox-exec` children
/// (tests/interop/test_sandbox_exec.py); here, detection.
struct SeccompFilterTests {
    @Test func theKernelHasSeccompFilters() {
        #expect(SeccompFilter.isAvailable)
    }
}

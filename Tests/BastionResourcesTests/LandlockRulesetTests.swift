import Testing

@testable import BastionResources

/// Restricting is irreversible, so it is exercised on `bastion sandbox-exec` children
/// (tests/interop/test_sandbox_exec.py); here, what the kernel answers.
struct LandlockRulesetTests {
    @Test func theKernelReportsItsABI() {
        let abi = LandlockRuleset().abi
        #expect((abi ?? 0) >= 6, "this machine has Landlock ABI 7")
    }

    @Test func withoutLandlockNothingIsAppliedOrClaimed() throws {
        // A ruleset for a kernel without Landlock (abi nil) must leave the report untouched.
        var report = SandboxReport()
        try LandlockRuleset(abi: nil).restrict(
            readPaths: ["/usr"],
            writePaths: [],
            restrictsNetwork: true,
            into: &report
        )
        #expect(report == SandboxReport())
    }
}

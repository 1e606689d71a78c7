import Testing

@testable import BastionResources

/// Applying a policy is irreversible, so it is exercised on `bastion sandbox-exec` children
/// (tests/interop/test_sandbox_exec.py); here, the requirement check that ends it.
struct SandboxApplierTests {
    @Test func everyRequiredFeatureMustHaveBeenApplied() throws {
        let report = SandboxReport(landlockABI: 7, seccomp: true)
        try SandboxApplier.checkRequired(["landlock", "seccomp"], report: report, usedUserNamespace: false)
        try SandboxApplier.checkRequired(["userns"], report: report, usedUserNamespace: true)
        for (required, named) in [(["netns"], "netns"), (["cgroup"], "cgroup"), (["userns"], "userns")] {
            let error = #expect(throws: SandboxError.self) {
                try SandboxApplier.checkRequired(required, report: report, usedUserNamespace: false)
            }
            #expect(error?.step == .required)
            #expect(error?.message.contains(named) == true)
        }
    }

    @Test func anUnknownRequiredFeatureFailsTheRun() {
        let error = #expect(throws: SandboxError.self) {
            try SandboxApplier.checkRequired(["apparmor"], report: SandboxReport(), usedUserNamespace: false)
        }
        #expect(error?.message.contains("unknown feature \"apparmor\"") == true)
    }
}

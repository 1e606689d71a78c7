import Testing

@testable import BastionResources

/// Applying a policy is irreversible, so it is exercised on `bastion sandbox-exec` children
/// (tests/interop/test_sandbox_exec.py); here, the requirement check that ends it.
struct SandboxApplierTests {
    @Test func everyRequiredFeatureMustHaveBeenApplied() throws {
        let report = SandboxReport(landlockABI: 7, seccomp: true)
        try SandboxApplier.checkRequired(["landlock", "seccomp"], report: report)
        var unprivileged = report
        unprivileged.userNamespace = true
        try SandboxApplier.checkRequired(["userns", "landlock"], report: unprivileged)
        for (required, named) in [(["netns"], "netns"), (["cgroup"], "cgroup"), (["userns"], "userns")] {
            let error = #expect(throws: SandboxError.self) {
                try SandboxApplier.checkRequired(required, report: report)
            }
            #expect(error?.step == .required)
            #expect(error?.message.contains(named) == true)
        }
    }

    @Test func anUnknownRequiredFeatureFailsTheRun() {
        let error = #expect(throws: SandboxError.self) {
            try SandboxApplier.checkRequired(["apparmor"], report: SandboxReport())
        }
        #expect(error?.message.contains("unknown feature \"apparmor\"") == true)
    }

    @Test func restrictedCodeNeedsASocketFilterOrANetworkNamespace() throws {
        let tcpOnly = SandboxReport(landlockABI: 7, landlockRestrictsTCP: true, network: [.landlockTCP])
        let error = #expect(throws: SandboxError.self) {
            try SandboxApplier.checkNetwork(restricted: true, report: tcpOnly)
        }
        #expect(error?.step == .required)
        try SandboxApplier.checkNetwork(restricted: false, report: tcpOnly)
        try SandboxApplier.checkNetwork(restricted: true, report: SandboxReport(network: [.seccompSocket]))
        try SandboxApplier.checkNetwork(restricted: true, report: SandboxReport(network: [.namespace]))
    }
}

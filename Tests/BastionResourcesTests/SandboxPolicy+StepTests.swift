import Testing

@testable import BastionResources

struct SandboxPolicyStepTests {
    @Test func theStepsRunInTheContractOrder() {
        #expect(
            SandboxPolicy.Step.allCases.map(\.rawValue) == [
                "policy", "process", "privileges", "cgroup", "namespaces", "mounts", "user", "landlock", "seccomp",
                "required", "limits", "directory", "exec",
            ]
        )
    }
}

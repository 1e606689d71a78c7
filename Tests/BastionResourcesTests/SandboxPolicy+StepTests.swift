import Testing

@testable import BastionResources

struct SandboxPolicyStepTests {
    @Test func theStepsRunInTheContractOrder() {
        #expect(
            SandboxPolicy.Step.allCases.map(\.rawValue) == [
                "policy", "process", "privileges", "limits", "directory", "cgroup", "namespaces", "mounts", "user",
                "landlock", "seccomp", "required", "exec",
            ]
        )
    }
}

import Testing

@testable import BastionResources

struct SandboxPolicyStepTests {
    @Test func theStepsRunInTheContractOrder() {
        #expect(
            SandboxPolicy.Step.allCases.map(\.rawValue) == [
                "policy", "process", "privileges", "directory", "cgroup", "namespaces", "mounts", "limits", "user",
                "landlock", "seccomp", "required", "exec",
            ]
        )
    }
}

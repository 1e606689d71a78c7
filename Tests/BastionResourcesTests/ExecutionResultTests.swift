import Testing

@testable import BastionResources

struct ExecutionResultTests {
    @Test func resultsCompareByTheirCodeDigestToo() {
        let policy = SandboxPolicy(executable: "/bin/sh", arguments: ["sh"], workingDirectory: "/")
        let a = ExecutionResult(outcome: ProcessOutcome(), policy: policy, code: ("sh", "ab"))
        #expect(a == ExecutionResult(outcome: ProcessOutcome(), policy: policy, code: ("sh", "ab")))
        #expect(a != ExecutionResult(outcome: ProcessOutcome(), policy: policy, code: ("sh", "cd")))
    }
}

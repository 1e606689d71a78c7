import BastionProtocol
import BastionResources
import Testing

@testable import Bastion

struct ExecutionResultFormatterTests {
    private let policy = SandboxPolicy(executable: "/bin/sh", arguments: ["sh"], workingDirectory: "/")

    @Test func aNormalExitIsNotAnErrorEvenWhenNonZero() {
        let outcome = ProcessOutcome(exitCode: 2, stdout: Array("out".utf8), stderr: Array("err".utf8), durationMs: 5)
        let result = ExecutionResultFormatter.result(ExecutionResult(outcome: outcome, policy: policy))
        #expect(!result.isError)
        #expect(result.structuredContent?["exitCode"] == 2)
        #expect(result.structuredContent?["signal"] == .null)
        #expect(result.structuredContent?["stdout"] == "out")
        guard case .text(let text) = result.content.first else { return #expect(Bool(false)) }
        #expect(text.contains("Exit code 2") && text.contains("--- stderr ---\nerr"))
    }

    @Test func aTimeoutOrASandboxRefusalIsAnError() {
        let timedOut = ProcessOutcome(signal: "SIGTERM", timedOut: true, durationMs: 100)
        #expect(ExecutionResultFormatter.result(ExecutionResult(outcome: timedOut, policy: policy)).isError)
        let refused = ProcessOutcome(exitCode: 126, sandboxFailure: "landlock: unsupported")
        let result = ExecutionResultFormatter.result(ExecutionResult(outcome: refused, policy: policy))
        #expect(result.isError)
        guard case .text(let text) = result.content.first else { return #expect(Bool(false)) }
        #expect(text.contains("landlock: unsupported"))
        #expect(result.structuredContent?["sandboxFailure"] == "landlock: unsupported")
    }

    @Test func excludedWriteRootsAreShown() {
        let result = ExecutionResultFormatter.result(
            ExecutionResult(outcome: ProcessOutcome(exitCode: 0), policy: policy, excludedWriteRoots: ["/srv: it contains .git"])
        )
        #expect(result.structuredContent?["excludedWriteRoots"] == ["/srv: it contains .git"])
    }

    @Test func theSizeEstimateCoversEscapesAndReplacementCharacters() {
        let plain = ExecutionResultFormatter.encodedSizeEstimate(ProcessOutcome(stdout: Array("ab".utf8)))
        let escaped = ExecutionResultFormatter.encodedSizeEstimate(ProcessOutcome(stdout: [0x01, 0xFF]))
        #expect(plain == 65_536 + 4)
        #expect(escaped == 65_536 + 18)
    }
}

import Testing

@testable import BastionResources

struct ProcessSupervisorTests {
    private func supervise(_ policy: SandboxPolicy, stdin: [UInt8] = [], cap: Int = 1024) throws -> ProcessOutcome {
        let standIn = ExecutionFixture.standIn
        let child = try SandboxLauncher(executable: standIn, arguments: [standIn, "sandbox-exec"]).spawn()
        let control = try #require(RunControl())
        let supervisor = ProcessSupervisor(
            child: child,
            control: control,
            timeoutNs: 10_000_000_000,
            graceNs: 100_000_000,
            policyBytes: policy.encoded(),
            stdinBytes: stdin,
            outputCap: cap,
            progress: nil
        )
        return supervisor.run()
    }

    @Test func theChildGetsItsStdinAndItsOutputIsKept() throws {
        let policy = SandboxPolicy(executable: "/usr/bin/cat", arguments: ["cat"], workingDirectory: "/")
        let outcome = try supervise(policy, stdin: Array("ping".utf8))
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout == Array("ping".utf8))
        #expect(outcome.sandboxReport != nil)
    }

    @Test func aSandboxThatRefusesReportsItsStepAndNothingRuns() throws {
        let policy = SandboxPolicy(executable: "/usr/bin/true", arguments: ["true"], workingDirectory: "/no/such/dir")
        let outcome = try supervise(policy)
        #expect(outcome.exitCode == 126)
        #expect(outcome.sandboxFailure?.hasPrefix("chdir") == true)
        #expect(outcome.sandboxReport == nil)
    }

    @Test func aSignalledChildNamesItsSignal() throws {
        let policy = SandboxPolicy(executable: "/bin/sh", arguments: ["sh", "-c", "kill -9 $$"], workingDirectory: "/")
        let outcome = try supervise(policy)
        #expect(outcome.signal == "SIGKILL")
        #expect(outcome.exitCode == nil)
    }
}

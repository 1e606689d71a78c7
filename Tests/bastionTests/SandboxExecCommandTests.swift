import BastionResources
import Testing

@testable import bastion

/// The full behaviour (policy on descriptor 3, status on 4) is tested black-box in
/// tests/interop/test_sandbox_exec.py; here, the pre-flight check and the fast path's dispatch.
struct SandboxExecCommandTests {
    @Test func anExecutableRegularFilePassesThePreflightCheck() throws {
        try SandboxExecCommand.checkExecutable("/bin/sh")
    }

    @Test(arguments: ["/nonexistent/tool", "/etc/passwd", "/usr/bin"])
    func anythingElseFailsAtTheExecStep(path: String) {
        let error = #expect(throws: SandboxError.self) { try SandboxExecCommand.checkExecutable(path) }
        #expect(error?.step == .exec)
        #expect(error?.message.hasPrefix(path + ": ") == true)
    }

    @Test func withoutAPolicyDescriptorNothingRunsAndTheStatusIs126() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["sandbox-exec"], home: scratch.path)
        #expect(output.status == SandboxExecCommand.failureStatus)
        #expect(output.stdout.isEmpty && output.stderr.isEmpty)
    }

    @Test func onlyTheBareVerbTakesTheFastPath() async throws {
        // With an argument it is not the fast path: ArgumentParser answers (here, with its help).
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["sandbox-exec", "--help"], home: scratch.path)
        #expect(output.status == 0)
        #expect(output.stdout.contains("USAGE: bastion <subcommand>"))
    }
}

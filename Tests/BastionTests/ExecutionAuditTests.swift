import BastionProtocol
import BastionResources
import Testing

@testable import Bastion

struct ExecutionAuditTests {
    @Test func argvIsRedactedAndTheOutcomeRecorded() {
        let request = SessionTestSupport.makeContext()
        let call = ToolCall(name: "run_command", arguments: ["command": ["curl", "--password", "hunter2"]], request: request)
        let run = ExecutionRequest(program: .command(["curl", "--password", "hunter2"]))
        let policy = SandboxPolicy(executable: "/usr/bin/curl", arguments: ["curl"], workingDirectory: "/w")
        ExecutionAudit.record(
            ExecutionResult(outcome: ProcessOutcome(exitCode: 0, truncated: true, durationMs: 3), policy: policy),
            request: run,
            on: call
        )
        let execution = request.annotations["execution"]
        #expect(execution?["argv"] == ["curl", "--password", "<redacted>"])
        #expect(execution?["cwd"] == "/w")
        #expect(execution?["truncated"] == true)
        #expect(execution?["durationMs"] == 3)
    }

    @Test func environmentValuesAndCodeAreReducedToTheirSize() {
        let request = SessionTestSupport.makeContext()
        let arguments: [String: JSONValue] = ["code": "print(1)", "env": ["KEY": "value"], "language": "python3"]
        ExecutionAudit.redactArguments(on: ToolCall(name: "run_code", arguments: arguments, request: request))
        #expect(request.annotations["args"]?["code"] == "<8 bytes>")
        #expect(request.annotations["args"]?["env"]?["KEY"] == "<5 bytes>")
    }
}

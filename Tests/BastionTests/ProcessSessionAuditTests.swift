import BastionProtocol
import Testing

@testable import Bastion
@testable import BastionResources

struct ProcessSessionAuditTests {
    @Test func theEndRecordHasTheStatusAndSizesButNoOutput() throws {
        let session = try ProcessSessionFormatterTests.session()
        session.receive(.stdout, Array("secret-output".utf8)[...])
        let policy = SandboxPolicy(executable: "/usr/bin/python3", arguments: ["python3"], workingDirectory: "/w")
        let result = ExecutionResult(outcome: ProcessOutcome(signal: "SIGKILL", durationMs: 12), policy: policy)
        let fields = ProcessSessionAudit.endFields(session, result)
        #expect(fields["signal"] == "SIGKILL" && fields["exitCode"] == .null && fields["durationMs"] == 12)
        #expect(fields["stdoutBytes"] == 13 && fields["processSession"] == "p-1")
        #expect(!JSONWriter.string(.object(fields)).contains("secret-output"))
    }

    @Test func aWriteIsRecordedBySizeOnly() {
        let request = SessionTestSupport.makeContext()
        let call = ToolCall(
            name: "write_process_input",
            arguments: ["sessionId": "p-1", "input": "password123\n"],
            request: request
        )
        ProcessSessionAudit.recordWrite(bytes: 12, close: false, on: call)
        #expect(request.annotations["args"]?["input"] == "<12 bytes>")
        #expect(request.annotations["execution"]?["inputBytes"] == 12)
    }
}

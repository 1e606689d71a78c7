import BastionProtocol
import Testing

@testable import Bastion
@testable import BastionResources

struct ProcessSessionFormatterTests {
    static func session() throws -> ProcessSession {
        ProcessSession(
            id: "p-1",
            owner: .init(client: "c", session: "s"),
            summary: "python3 -i",
            capacity: 4,
            control: try #require(RunControl()),
            onEnd: { _, _ in }
        )
    }

    @Test func aReadingCarriesTheNextOffsetsAndWhatWasDropped() async throws {
        let session = try Self.session()
        session.receive(.stdout, Array("abcdef".utf8)[...])
        let reading = await session.read(stdoutOffset: 0, stderrOffset: nil, wait: .zero)
        let result = ProcessSessionFormatter.reading(reading, of: session)
        #expect(result.structuredContent?["stdout"] == "cdef")
        #expect(result.structuredContent?["stdoutOffset"] == 6)
        #expect(result.structuredContent?["dropped"] == 2)
        #expect(result.structuredContent?["running"] == true)
        #expect(result.isError == false)
        guard case .text(let text)? = result.content.first else { return #expect(Bool(false)) }
        #expect(text.contains("2 bytes of output were discarded") && text.contains("is running"))
    }

    @Test func anEndedSessionIsListedWithItsExitStatus() throws {
        let session = try Self.session()
        let policy = SandboxPolicy(executable: "/bin/sh", arguments: ["sh"], workingDirectory: "/")
        session.ended(ExecutionResult(outcome: ProcessOutcome(exitCode: 5), policy: policy))
        let listed = ProcessSessionFormatter.list([session])
        let entry = listed.structuredContent?["sessions"]?.arrayValue?.first
        #expect(entry?["exitCode"] == 5 && entry?["running"] == false && entry?["command"] == "python3 -i")
        #expect(entry?["startedAt"]?.stringValue?.hasSuffix("Z") == true)
        let summary = ProcessSessionFormatter.summary(session, outcome: session.result?.outcome, isRunning: false)
        #expect(summary.contains("exit code 5"))
        guard case .text(let text)? = ProcessSessionFormatter.list([]).content.first else {
            return #expect(Bool(false))
        }
        #expect(text == "No process sessions")
    }
}

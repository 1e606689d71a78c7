import BastionSecurity
import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct ExecutionManagerSessionsTests {
    static let owner = ProcessSession.Owner(client: "c", session: "s")

    @Test func aSessionKeepsStdinOpenAndAnswersEachWrite() async throws {
        let fixture = try ExecutionFixture()
        let session = try fixture.manager.start(
            ExecutionRequest(
                program: .code(language: "sh", source: "while read l; do echo got:$l; done"),
                stdin: Array("a\n".utf8)
            ),
            client: fixture.client,
            owner: Self.owner,
            summary: "sh"
        )
        #expect(fixture.manager.runningCount(client: "c") == 1)
        var seen = ""
        for _ in 0..<50 where !seen.contains("got:a") {
            seen += String(
                decoding: await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .milliseconds(200)).stdout
                    .bytes,
                as: UTF8.self
            )
        }
        try session.write(Array("b\n".utf8), close: true)
        await session.waitForEnd(timeout: .seconds(10))
        let all = await session.read(stdoutOffset: 0, stderrOffset: 0, wait: .zero)
        #expect(String(decoding: all.stdout.bytes, as: UTF8.self) == "got:a\ngot:b\n")
        #expect(all.outcome?.exitCode == 0 && !all.isRunning)
        #expect(fixture.manager.runningCount(client: "c") == 0)
        #expect(session.policy?.arguments.first == "sh")
    }

    @Test func killEndsTheRunAndTheSessionStaysReadable() async throws {
        let fixture = try ExecutionFixture(gracePeriod: .milliseconds(200))
        let session = try fixture.manager.start(
            ExecutionRequest(program: .code(language: "sh", source: "echo up; sleep 30")),
            client: fixture.client,
            owner: Self.owner,
            summary: "sh"
        )
        _ = await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .seconds(5))
        session.kill(signal: SIGTERM)
        await session.waitForEnd(timeout: .seconds(10))
        let reading = await session.read(stdoutOffset: 0, stderrOffset: nil, wait: .zero)
        #expect(!reading.isRunning && reading.outcome?.wasCancelled == true)
        #expect(String(decoding: reading.stdout.bytes, as: UTF8.self) == "up\n")
        #expect(try fixture.manager.sessions.find(session.id, owner: Self.owner) === session)
    }

    @Test func inputTheProcessDoesNotReadIsBoundedNotQueuedWithoutEnd() async throws {
        let fixture = try ExecutionFixture(gracePeriod: .milliseconds(100))
        let session = try fixture.manager.start(
            ExecutionRequest(program: .code(language: "sh", source: "sleep 30")),
            client: fixture.client,
            owner: Self.owner,
            summary: "sh"
        )
        let chunk = [UInt8](repeating: 0x61, count: ProcessSession.maximumPendingInput)
        try session.write(chunk, close: false)
        try await Task.sleep(for: .milliseconds(300))
        try session.write(chunk, close: false)
        try await Task.sleep(for: .milliseconds(300))
        let full = #expect(throws: ExecutionError.self) { try session.write([0x61], close: false) }
        #expect(full?.code == .busy)
        session.kill(signal: SIGKILL)
        await session.waitForEnd(timeout: .seconds(10))
        #expect(!session.isRunning)
    }

    @Test func aLanguageWithoutCodeStartsTheInterpreterAsARepl() async throws {
        let fixture = try ExecutionFixture()
        let session = try fixture.manager.start(
            ExecutionRequest(program: .code(language: "sh", source: ""), isInteractive: true),
            client: fixture.client,
            owner: Self.owner,
            summary: "sh"
        )
        #expect(session.policy?.arguments == ["sh", "-i"])
        try session.write(Array("echo $((6*7))\nexit 0\n".utf8), close: false)
        await session.waitForEnd(timeout: .seconds(10))
        let all = await session.read(stdoutOffset: 0, stderrOffset: 0, wait: .zero)
        #expect(String(decoding: all.stdout.bytes, as: UTF8.self).contains("42"))
        #expect(all.outcome?.exitCode == 0)
        #expect(ExecutionManager.interactiveFlags("python3") == ["-q", "-u", "-i"])
    }

    @Test func anIdleSessionIsKilled() async throws {
        let fixture = try ExecutionFixture(limits: ResourceLimits(sessionIdleMs: 200))
        let session = try fixture.manager.start(
            ExecutionRequest(program: .code(language: "sh", source: "sleep 30")),
            client: fixture.client,
            owner: Self.owner,
            summary: "sh"
        )
        await session.waitForEnd(timeout: .seconds(10))
        #expect(!session.isRunning && session.isIdleExpired)
    }

    @Test(arguments: [Int64(0), 1_800_001])
    func aLifetimeOutsideOneToSessionTimeoutIsRefused(_ timeout: Int64) async throws {
        let fixture = try ExecutionFixture()
        let error = #expect(throws: ExecutionError.self) {
            try fixture.manager.start(
                ExecutionRequest(program: .code(language: "sh", source: "true"), timeoutMs: timeout),
                client: fixture.client,
                owner: Self.owner,
                summary: "sh"
            )
        }
        #expect(error?.code == .invalidRequest)
        #expect(fixture.manager.sessions.sessions(of: Self.owner).isEmpty)
    }

    @Test func aRefusedStartLeavesNoSessionAndNoProcessSlot() async throws {
        let fixture = try ExecutionFixture(permissions: [.fileRead(glob: nil)])
        let error = #expect(throws: ExecutionError.self) {
            try fixture.manager.start(
                ExecutionRequest(program: .command(["echo", "x"])),
                client: fixture.client,
                owner: Self.owner,
                summary: "echo"
            )
        }
        #expect(error?.code == .denied)
        #expect(fixture.manager.sessions.sessions(of: Self.owner).isEmpty)
        #expect(fixture.manager.runningCount(client: "c") == 0)
    }
}

import BastionProtocol
import BastionSecurity
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import BastionResources

struct ExecutionManagerTests {
    @Test func aCommandRunsThroughTheSandboxAndItsOutputComesBack() async throws {
        let fixture = try ExecutionFixture(permissions: [.fileRead(glob: nil), .systemCommand(pattern: "echo")])
        let result = try await fixture.manager.run(
            ExecutionRequest(program: .command(["echo", "hello", "world"])),
            client: fixture.client
        )
        #expect(result.outcome.exitCode == 0)
        #expect(String(decoding: result.outcome.stdout, as: UTF8.self) == "hello world\n")
        #expect(result.outcome.sandboxReport?["standIn"] == true)
        #expect(result.policy.executable == "/usr/bin/echo")
        #expect(fixture.manager.runningCount(client: "c") == 0)
    }

    /// Review 9, finding 7: the code file is the server's, outside the workdir a child may write.
    @Test func codeRunsFromAFileOfTheServersWhichIsRemovedAfterwards() async throws {
        let fixture = try ExecutionFixture()
        let result = try await fixture.manager.run(
            ExecutionRequest(program: .code(language: "sh", source: "cat; echo \"$0\""), stdin: Array("in\n".utf8)),
            client: fixture.client
        )
        let lines = String(decoding: result.outcome.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.first == "in")
        let path = try #require(lines.last.map(String.init))
        #expect(path.hasPrefix("/tmp/bastion-code-") && path.contains("/run-"))
        #expect(!path.hasPrefix(fixture.workdir + "/"))
        #expect(access(path, F_OK) != 0)
        #expect(result.code?.language == "sh")
        #expect(result.code?.sha256 == ExecutionManager.sha256(Array("cat; echo \"$0\"".utf8)))
        #expect(try FileManagerListing.entries(fixture.workdir + "/.tmp").isEmpty)
    }

    @Test func aTimeoutKillsTheChildAndSaysSo() async throws {
        let fixture = try ExecutionFixture(gracePeriod: .milliseconds(200))
        let result = try await fixture.manager.run(
            ExecutionRequest(program: .code(language: "sh", source: "sleep 30"), timeoutMs: 100),
            client: fixture.client
        )
        #expect(result.outcome.timedOut)
        #expect(result.outcome.signal == "SIGTERM")
        #expect(result.outcome.exitCode == nil)
    }

    @Test func cancellingTheCallerKillsTheChild() async throws {
        let fixture = try ExecutionFixture()
        let manager = fixture.manager
        let client = fixture.client
        let run = Task { try await manager.run(ExecutionRequest(program: .code(language: "sh", source: "sleep 30")), client: client) }
        while manager.runningCount(client: "c") == 0 { await Task.yield() }
        run.cancel()
        let result = try await run.value
        #expect(result.outcome.wasCancelled)
        #expect(result.outcome.signal == "SIGKILL")
    }

    @Test(arguments: [Int64(0), -5, 30_001, 31_536_000_000])
    func aTimeoutOutsideOneToTheClientsLimitIsRefused(_ timeout: Int64) throws {
        let fixture = try ExecutionFixture()
        #expect(throws: ExecutionError.self) { try fixture.manager.timeoutMilliseconds(timeout, client: fixture.client) }
        #expect(try fixture.manager.timeoutMilliseconds(nil, client: fixture.client) == 30_000)
        #expect(try fixture.manager.timeoutMilliseconds(1, client: fixture.client) == 1)
    }

    @Test func anUnknownLanguageListsTheAvailableOnes() async throws {
        let fixture = try ExecutionFixture()
        let error = await executionError { () async throws(ExecutionError) in
            try await fixture.manager.run(ExecutionRequest(program: .code(language: "cobol", source: "")), client: fixture.client)
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("available: ") == true)
        #expect(error?.message.contains("sh") == true)
    }

    @Test func runsBeyondTheClientsProcessLimitAreRefusedAsBusy() async throws {
        var limits = ResourceLimits()
        limits.processes = 1
        let fixture = try ExecutionFixture(limits: limits)
        let manager = fixture.manager
        let client = fixture.client
        let first = Task { try await manager.run(ExecutionRequest(program: .code(language: "sh", source: "sleep 30")), client: client) }
        while manager.runningCount(client: "c") == 0 { await Task.yield() }
        let error = await executionError { () async throws(ExecutionError) in
            try await manager.run(ExecutionRequest(program: .code(language: "sh", source: "true")), client: client)
        }
        #expect(error?.code == .busy)
        first.cancel()
        _ = try await first.value
    }

    @Test func stopAllKillsRunningChildrenAndRefusesNewOnes() async throws {
        let fixture = try ExecutionFixture()
        let manager = fixture.manager
        let client = fixture.client
        let run = Task { try await manager.run(ExecutionRequest(program: .code(language: "sh", source: "sleep 30")), client: client) }
        while manager.runningCount(client: "c") == 0 { await Task.yield() }
        manager.stopAll()
        #expect(try await run.value.outcome.wasCancelled)
        let error = await executionError { () async throws(ExecutionError) in
            try await manager.run(ExecutionRequest(program: .code(language: "sh", source: "true")), client: client)
        }
        #expect(error?.code == .busy)
    }
}

/// Directory listing for assertions.
enum FileManagerListing {
    static func entries(_ path: String) throws -> [String] {
        try FoundationListing.contents(path)
    }
}

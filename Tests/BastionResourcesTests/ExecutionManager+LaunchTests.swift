import BastionSecurity
import Testing

@testable import BastionResources

struct ExecutionManagerLaunchTests {
    @Test func aFailedSpawnGivesBackTheProcessSlotAndTheCodeFile() throws {
        let fixture = try ExecutionFixture()
        let broken = ExecutionManager(launcher: SandboxLauncher(executable: "/nonexistent/sandbox-exec"))
        let control = try #require(RunControl())
        let error = #expect(throws: ExecutionError.self) {
            try broken.launch(
                ExecutionRequest(program: .code(language: "sh", source: "true")),
                client: fixture.client,
                timeoutMs: 1_000,
                control: control,
                outputCap: 16,
                progress: nil
            )
        }
        #expect(error?.code == .spawnFailed)
        #expect(broken.runningCount(client: "c") == 0)
        #expect(try FileManagerListing.entries(fixture.workdir + "/.tmp").isEmpty)
    }
}

import Testing

@testable import BastionResources

struct SandboxLauncherTests {
    @Test func theDefaultIsTheServersOwnSandboxExec() {
        let launcher = SandboxLauncher()
        #expect(launcher.executable == "/proc/self/exe")
        #expect(launcher.arguments == ["bastion", "sandbox-exec"])
        #expect(!launcher.isOverridden)
        #expect(SandboxLauncher(executable: "/x").isOverridden)
    }

    @Test func aMissingExecutableFailsToSpawnClearly() {
        #expect(throws: ExecutionError.self) { try SandboxLauncher(executable: "/no/such/sandbox-exec").spawn() }
    }
}

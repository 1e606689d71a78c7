import BastionSecurity
import Foundation

@testable import BastionResources

/// A client with a scratch workdir and an ``ExecutionManager`` that starts the test stand-in for
/// `sandbox-exec` (`tests/interop/fixtures/fake_sandbox_exec.py`, which applies no isolation).
struct ExecutionFixture: ~Copyable {
    let scratch: ScratchDirectory
    let client: ClientContext
    let manager: ExecutionManager

    var workdir: String { scratch.file("work") }

    /// The stand-in, found from this file's path.
    static var standIn: String {
        let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let root = support.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("tests/interop/fixtures/fake_sandbox_exec.py").path
    }

    init(
        permissions: [Permission] = [.fileRead(glob: nil), .fileWrite(glob: nil), .codeExecution(unrestricted: false)],
        limits: ResourceLimits = ResourceLimits(),
        gracePeriod: Duration = .seconds(2),
        readRoot: String? = nil
    ) throws {
        let scratch = try ScratchDirectory()
        try ScratchDirectory.makeDirectory(scratch.file("work"), mode: 0o700)
        var permissions = permissions
        if let readRoot {
            try ScratchDirectory.makeDirectory(scratch.file(readRoot), mode: 0o700)
            permissions.append(.fileRead(glob: scratch.file(readRoot) + "/**"))
        }
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: ["c": .init(permissions: permissions, workdir: scratch.file("work"), home: scratch.file("work"))],
            cacheLifetime: .zero
        )
        self.client = ClientContext(
            identity: ClientIdentity(clientID: "c", transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: scratch.file("work"),
            limits: limits,
            rules: rules
        )
        self.manager = ExecutionManager(
            launcher: SandboxLauncher(executable: Self.standIn, arguments: [Self.standIn, "sandbox-exec"]),
            gracePeriod: gracePeriod
        )
        self.scratch = scratch
    }
}

/// The error `body` throws, or `nil` when it succeeds.
func executionError<T>(_ body: () async throws(ExecutionError) -> T) async -> ExecutionError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

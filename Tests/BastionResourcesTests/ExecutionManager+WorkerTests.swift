import BastionSecurity
import Testing

@testable import BastionResources

struct ExecutionManagerWorkerTests {
    @Test("A worker may write where the client's grants may, but never above a hidden path")
    func writeRootsAreTheGrantsMinusRootsAboveHiddenPaths() throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "projects", "home", "home/state"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        let permissions: [Permission] = [
            .fileRead(glob: nil), .fileWrite(glob: nil),
            .fileWrite(glob: scratch.file("projects") + "/**"), .fileWrite(glob: scratch.file("home") + "/**"),
        ]
        let client = try ExecutionManagerScopeTests.client(permissions, workdir: scratch.file("work"))
        let manager = ExecutionManager(
            launcher: SandboxLauncher(),
            hiddenPaths: [scratch.file("home/state/audit.jsonl")]
        )
        let policy = manager.workerPolicy(
            for: client,
            executable: "/usr/bin/true",
            arguments: ["bastion", "worker"],
            environment: ["PATH=/usr/bin"],
            libraries: [scratch.file("lib")]
        )
        #expect(policy.writePaths.contains(scratch.file("work")))
        #expect(policy.writePaths.contains(scratch.file("projects")))
        #expect(!policy.writePaths.contains(scratch.file("home")))
        #expect(policy.readPaths.contains(scratch.file("lib")))
        #expect(
            policy.readPaths.contains("/usr/bin/true")
                || policy.readPaths.contains { "/usr/bin/true".hasPrefix($0 + "/") }
        )
        #expect(policy.hiddenPaths == [scratch.file("home/state/audit.jsonl")])
        #expect(policy.restrictsNetwork)
        #expect(policy.minimalRoot)
        #expect(policy.user == nil)
        #expect(policy.workingDirectory == scratch.file("work"))
    }

    /// Review 8, findings 1 and 3: Landlock cannot carve `.git/hooks` or another client's workdir
    /// out of a write root, so a root holding one at its top is left out of the worker's writes.
    @Test("A granted root holding a protected directory or a refused entry is not a worker write root")
    func protectedAndRefusedEntriesKeepARootOut() throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "repo", "repo/.git", "shared", "shared/other", "clean"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        let client = try ExecutionManagerScopeTests.client(
            [.fileWrite(glob: nil)] + ["repo", "shared", "clean"].map { .fileWrite(glob: scratch.file($0) + "/**") },
            workdir: scratch.file("work"),
            deny: [scratch.file("shared/other") + "/**", scratch.file("shared/other")]
        )
        let policy = ExecutionManager(launcher: SandboxLauncher())
            .workerPolicy(for: client, executable: "/usr/bin/true", arguments: ["true"], environment: [])
        #expect(policy.writePaths.contains(scratch.file("clean")))
        #expect(!policy.writePaths.contains(scratch.file("repo")))
        #expect(!policy.writePaths.contains(scratch.file("shared")))
    }

    /// Review 8, findings 1 and 18: a read grant above another client's workdir or a `dir/**`
    /// deny is carved around it, and a write grant holding one at any depth is left out, so the
    /// worker's kernel rules, not only its path checks, keep the client away.
    @Test("A worker's grants are carved around what the client is refused whole")
    func refusedSubtreesAreCarvedOut() throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "srv", "srv/team", "srv/team/bob", "srv/team/notes", "srv/secret", "srv/open"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        let permissions: [Permission] = [
            .fileRead(glob: scratch.file("srv") + "/**"), .fileWrite(glob: nil),
            .fileWrite(glob: scratch.file("srv/team") + "/**"), .fileWrite(glob: scratch.file("srv/open") + "/**"),
        ]
        let client = try ExecutionManagerScopeTests.client(
            permissions,
            workdir: scratch.file("work"),
            deny: [scratch.file("srv/team/bob") + "/**", scratch.file("srv/secret") + "/**", "**/.env"]
        )
        #expect(Set(client.deniedSubtrees) == [scratch.file("srv/team/bob"), scratch.file("srv/secret")])
        let policy = ExecutionManager(launcher: SandboxLauncher())
            .workerPolicy(for: client, executable: "/usr/bin/true", arguments: ["true"], environment: [])
        #expect(!policy.readPaths.contains(scratch.file("srv")))
        #expect((policy.readPaths + policy.writePaths).contains(scratch.file("srv/open")))
        #expect(policy.readPaths.contains(scratch.file("srv/team/notes")))
        #expect(!policy.readPaths.contains { PathBytes.isWithin(scratch.file("srv/team/bob"), $0) })
        #expect(!policy.readPaths.contains { PathBytes.isWithin(scratch.file("srv/secret"), $0) })
        #expect(!policy.writePaths.contains(scratch.file("srv/team")))
        #expect(policy.writePaths.contains(scratch.file("srv/open")))
    }

    /// Review 9, finding 11: a client that may not write its workdir gets a worker that cannot.
    @Test("A read-only client's worker has no write root, not even its workdir")
    func aReadOnlyClientsWorkerWritesNothing() throws {
        let scratch = try ScratchDirectory()
        try ScratchDirectory.makeDirectory(scratch.file("work"), mode: 0o700)
        let client = try ExecutionManagerScopeTests.client([.fileRead(glob: nil)], workdir: scratch.file("work"))
        let policy = ExecutionManager(launcher: SandboxLauncher())
            .workerPolicy(for: client, executable: "/usr/bin/true", arguments: ["true"], environment: [])
        #expect(policy.writePaths.isEmpty)
        #expect(policy.readPaths.contains(scratch.file("work")))
        let writer = try ExecutionManagerScopeTests.client(
            [.fileRead(glob: nil), .fileWrite(glob: nil)],
            workdir: scratch.file("work")
        )
        #expect(
            ExecutionManager(launcher: SandboxLauncher())
                .workerPolicy(for: writer, executable: "/usr/bin/true", arguments: ["true"], environment: [])
                .writePaths == [scratch.file("work")]
        )
    }

    @Test("A worker has the client's memory and file limits, but no CPU or process limit")
    func limits() throws {
        let fixture = try ExecutionFixture()
        let policy = fixture.manager.workerPolicy(
            for: fixture.client,
            executable: "/usr/bin/true",
            arguments: ["true"],
            environment: []
        )
        #expect(policy.limits.cpuSeconds == nil)
        #expect(policy.limits.processes == nil)
        let expected = fixture.client.limits.memoryMB * 1_048_576 + ExecutionManager.workerAddressSpaceAllowance
        #expect(policy.limits.addressSpaceBytes == expected)
        #expect(policy.limits.fileSizeBytes == fixture.manager.fileSizeLimitBytes)
    }

    @Test("A worker whose sandbox cannot start is refused with the step that failed, and reaped")
    func aFailedSandboxIsAnError() throws {
        let fixture = try ExecutionFixture()
        // No such executable: sandbox-exec (the test binary is none) fails before anything runs.
        let policy = fixture.manager.workerPolicy(
            for: fixture.client,
            executable: "/nonexistent/bastion",
            arguments: ["bastion"],
            environment: []
        )
        #expect(throws: ExecutionError.self) { try fixture.manager.startWorker(policy) }
    }
}

import BastionSecurity
import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct ExecutionManagerScopeTests {
    /// Client "c" holding `permissions`, with `workdir` as its workdir and home.
    static func client(_ permissions: [Permission], workdir: String, deny: [String] = []) throws -> ClientContext {
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: ["c": .init(permissions: permissions, deny: deny, workdir: workdir, home: workdir)]
        )
        return ClientContext(
            identity: ClientIdentity(clientID: "c", transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: workdir,
            limits: ResourceLimits(),
            rules: rules
        )
    }

    @Test func restrictedCodeWritesOnlyInTheWorkdir() throws {
        let fixture = try ExecutionFixture()
        let (writes, excluded) = fixture.manager.writeScope(fixture.client, isUnrestricted: false)
        #expect(writes == [fixture.workdir, "/dev/null"])
        #expect(excluded.isEmpty)
    }

    @Test func aGrantedRootHoldingAProtectedDirectoryIsLeftOut() throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "clean", "repo", "repo/.git"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        let permissions: [Permission] = [
            .codeExecution(unrestricted: true), .fileWrite(glob: nil),
            .fileWrite(glob: scratch.file("clean") + "/**"), .fileWrite(glob: scratch.file("repo") + "/**"),
        ]
        let client = try Self.client(permissions, workdir: scratch.file("work"))
        let (writes, excluded) = ExecutionManager(launcher: SandboxLauncher()).writeScope(client, isUnrestricted: true)
        #expect(writes.contains(scratch.file("clean")))
        #expect(!writes.contains(scratch.file("repo")))
        #expect(excluded.count == 1)
        #expect(excluded.first?.contains(".git") == true)
    }

    /// Review 4, finding 3: a root above a hidden path (any depth) would let a child rename the
    /// audit log's directory away or read a rotated copy; it is left out, saying why.
    @Test func aGrantedRootHoldingAHiddenPathAtAnyDepthIsLeftOut() throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "home", "home/state", "home/state/bastion"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        let permissions: [Permission] = [
            .codeExecution(unrestricted: true), .fileWrite(glob: nil), .fileWrite(glob: scratch.file("home") + "/**"),
        ]
        let client = try Self.client(permissions, workdir: scratch.file("work"))
        let hidden = scratch.file("home/state/bastion/audit.jsonl")
        let open = ExecutionManager(launcher: SandboxLauncher()).writeScope(client, isUnrestricted: true)
        #expect(open.writes.contains(scratch.file("home")))
        let (writes, excluded) = ExecutionManager(launcher: SandboxLauncher(), hiddenPaths: [hidden])
            .writeScope(client, isUnrestricted: true)
        #expect(!writes.contains(scratch.file("home")))
        #expect(excluded.count == 1 && excluded.first?.contains("audit.jsonl") == true)
    }

    /// Review 8, finding 17: a root holding the server's binary or a library it loads (at any
    /// depth), or lying inside a library directory, is left out: a replaced library runs the
    /// child's code as the server at its next start.
    @Test(arguments: ["opt", "opt/toolchain/lib/sub"])
    func aGrantedRootHoldingWhatTheServerRunsIsLeftOut(granted: String) throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "opt", "opt/toolchain", "opt/toolchain/lib", "opt/toolchain/lib/sub", "other"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        let permissions: [Permission] = [
            .codeExecution(unrestricted: true), .fileWrite(glob: nil), .fileWrite(glob: scratch.file(granted) + "/**"),
            .fileWrite(glob: scratch.file("other") + "/**"),
        ]
        let client = try Self.client(permissions, workdir: scratch.file("work"))
        let open = ExecutionManager(launcher: SandboxLauncher()).writeScope(client, isUnrestricted: true)
        #expect(open.writes.contains(scratch.file(granted)))
        let (writes, excluded) = ExecutionManager(
            launcher: SandboxLauncher(),
            runtimePaths: [scratch.file("opt/toolchain/lib")]
        )
        .writeScope(client, isUnrestricted: true)
        #expect(!writes.contains(scratch.file(granted)))
        #expect(writes.contains(scratch.file("other")))
        #expect(excluded.count == 1 && excluded.first?.contains("which the server runs") == true)
    }

    /// Review 9, finding 8: another client's workdir (a `dir/**` deny of this client) two levels
    /// inside a granted root kept the root in an unrestricted child's write set.
    @Test func aGrantedRootHoldingAnotherClientsWorkdirAtAnyDepthIsLeftOut() throws {
        let scratch = try ScratchDirectory()
        for directory in ["work", "srv", "srv/deep", "srv/deep/b", "open"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o700)
        }
        let permissions: [Permission] = [
            .codeExecution(unrestricted: true), .fileWrite(glob: nil), .fileWrite(glob: scratch.file("srv") + "/**"),
            .fileWrite(glob: scratch.file("open") + "/**"),
        ]
        let client = try Self.client(
            permissions,
            workdir: scratch.file("work"),
            deny: [scratch.file("srv/deep/b") + "/**"]
        )
        let (writes, excluded) = ExecutionManager(launcher: SandboxLauncher()).writeScope(client, isUnrestricted: true)
        #expect(!writes.contains(scratch.file("srv")))
        #expect(writes.contains(scratch.file("open")))
        #expect(excluded.count == 1 && excluded.first?.contains("srv/deep/b") == true)
    }

    @Test func theTemporaryDirectoryIsCreatedPrivateAndALinkIsRefused() throws {
        let fixture = try ExecutionFixture()
        let (path, directory) = try ExecutionManager.temporaryDirectory(of: fixture.workdir)
        #expect(path == fixture.workdir + "/.tmp")
        #expect(directory >= 0)
        close(directory)
        #expect(try FoundationListing.contents(path).isEmpty)
    }
}

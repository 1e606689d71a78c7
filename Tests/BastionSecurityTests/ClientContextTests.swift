import BastionProtocol
import Testing

@testable import BastionSecurity

struct ClientContextTests {
    static func makeContext(
        id: String = "claude",
        permissions: [Permission] = [.fileRead(glob: nil)],
        workdir: String = "/tmp/w"
    ) -> ClientContext {
        ClientContext(
            identity: ClientIdentity(clientID: id, transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: workdir,
            limits: ResourceLimits(cpuSeconds: 5)
        )
    }

    @Test func initTakesTheIdentityAndSettings() {
        let context = Self.makeContext(id: "claude", workdir: "/srv/claude")
        #expect(context.id == "claude")
        #expect(context.transport == "stdio")
        #expect(context.authentication == .stdioProcess)
        #expect(context.workdir == "/srv/claude")
        #expect(context.limits == ResourceLimits(cpuSeconds: 5))
        #expect(context.permissions == [.fileRead(glob: nil)])
    }

    @Test func toolLevelChecksUseTheGrantsWithoutAManager() {
        let context = Self.makeContext(permissions: [.fileRead(glob: nil)])
        #expect(context.check([.fileRead(glob: nil)]) == .allow)
        #expect(context.check([.fileWrite(glob: nil)]) == .deny(missing: .fileWrite(glob: nil)))
        #expect(context.check(.checkedPerCall(.fileWrite)) == .missingKind(.fileWrite))
    }

    @Test func publicIsAllowedAndUndeclaredIsRefused() {
        #expect(Self.makeContext(permissions: []).check(.public) == .allow)
        #expect(Self.makeContext(permissions: [.fileRead(glob: nil)]).check(.undeclared) == .undeclared)
        #expect(Self.makeContext(permissions: [.fileRead(glob: nil)]).check([]) == .undeclared)
    }

    @Test func checkUsesThePermissionChecker() {
        let context = Self.makeContext(permissions: [
            .codeExecution(unrestricted: false), .systemCommand(pattern: "ls"),
        ])
        #expect(
            context.check([.codeExecution(unrestricted: true)]) == .deny(missing: .codeExecution(unrestricted: true))
        )
        #expect(context.check([.systemCommand(pattern: "git")]) == .deny(missing: .systemCommand(pattern: "git")))
    }

    @Test func aReadOnlyClientMayCallOnlyToolsAnnotatedReadOnly() throws {
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: ["ro": .init(permissions: [.fileRead(glob: nil)], isReadOnly: true, workdir: "/tmp/w", home: "/tmp")]
        )
        let context = ClientContext(
            identity: ClientIdentity(clientID: "ro", transport: "stdio", method: .stdioProcess),
            permissions: [],
            workdir: "/tmp/w",
            limits: ResourceLimits(),
            rules: rules
        )
        #expect(context.isReadOnly)
        #expect(context.checkTool(.public, isReadOnly: true) == .allow)
        #expect(context.checkTool(.public, isReadOnly: false) == .readOnlyTool)
        #expect(context.checkTool(.checkedPerCall(.fileRead), isReadOnly: false) == .readOnlyTool)
        #expect(context.checkTool(.undeclared, isReadOnly: true) == .undeclared)
        #expect(!Self.makeContext().isReadOnly)
    }

    @Test func aReloadReachesConnectedContextsAtOnce() throws {
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: ["a": .init(permissions: [.fileRead(glob: nil)], workdir: "/tmp/w", home: "/tmp")]
        )
        let context = ClientContext(
            identity: ClientIdentity(clientID: "a", transport: "stdio", method: .stdioProcess),
            permissions: [],
            workdir: "/tmp/w",
            limits: ResourceLimits(),
            rules: rules
        )
        #expect(context.permissions == [.fileRead(glob: nil)])
        try rules.replaceRules(["a": .init(permissions: [.fileWrite(glob: nil)], workdir: "/tmp/w", home: "/tmp")])
        #expect(context.permissions == [.fileWrite(glob: nil)])
        #expect(context.check(.checkedPerCall(.fileRead)) == .missingKind(.fileRead))
        #expect(context.check(.write, path: "x") == .allow)
        try rules.replaceRules([:])
        #expect(context.permissions.isEmpty)
        #expect(context.isReadOnly)
        #expect(!context.check(.read, path: "x").isAllowed)
        #expect(context.check(.public) == .allow)
    }

    @Test func storageSetsReadsAndRemovesValues() {
        let context = Self.makeContext()
        #expect(context.value(forKey: "git.cwd") == nil)
        context.setValue("/repo", forKey: "git.cwd")
        #expect(context.value(forKey: "git.cwd") == "/repo")
        context.setValue(["n": 1], forKey: "git.cwd")
        #expect(context.value(forKey: "git.cwd") == ["n": 1])
        context.setValue(nil, forKey: "git.cwd")
        #expect(context.value(forKey: "git.cwd") == nil)
    }

    @Test func storageIsPrivateToEachContext() {
        let first = Self.makeContext(id: "a")
        let second = Self.makeContext(id: "b")
        first.setValue("secret of a", forKey: "state")
        #expect(second.value(forKey: "state") == nil)
        second.setValue("state of b", forKey: "state")
        #expect(first.value(forKey: "state") == "secret of a")
        #expect(second.value(forKey: "state") == "state of b")
    }

    @Test func concurrentWritesToDistinctKeysAreAllKept() async {
        let context = Self.makeContext()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask { context.setValue(.int(Int64(index)), forKey: "k\(index)") }
            }
        }
        for index in 0..<100 {
            #expect(context.value(forKey: "k\(index)") == .int(Int64(index)))
        }
    }

    @Test func callLevelChecksGoThroughTheSharedPermissionManager() throws {
        let scratch = try ScratchDirectory()
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: [
                "claude": .init(
                    permissions: [.fileRead(glob: nil)],
                    deny: ["**/.env"],
                    workdir: scratch.path,
                    home: scratch.path
                )
            ]
        )
        let context = ClientContext(
            identity: ClientIdentity(clientID: "claude", transport: "stdio", method: .stdioProcess),
            permissions: [.fileRead(glob: nil)],
            workdir: scratch.path,
            limits: ResourceLimits(),
            rules: rules
        )
        #expect(context.check(.read, path: "notes.txt") == .allow)
        #expect(context.check(.read, path: ".env") == .denyRule("**/.env", target: scratch.file(".env")))
        #expect(!context.check(.write, path: "notes.txt").isAllowed)
    }

    @Test func withoutAPermissionManagerEveryCallLevelCheckIsDenied() {
        let context = Self.makeContext(permissions: [.fileRead(glob: nil), .fileWrite(glob: nil)])
        #expect(!context.check(.read, path: "/tmp/w/a").isAllowed)
        #expect(!context.check(.write, path: "/tmp/w/a").isAllowed)
    }
}

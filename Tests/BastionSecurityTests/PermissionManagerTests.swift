import Foundation
import Testing

@testable import BastionSecurity

struct PermissionManagerTests {
    static let workdir = "/nonexistent-w/ana"
    static let home = "/nonexistent-h/ana"

    private func manager(
        _ permissions: [String],
        deny: [String] = [],
        readOnly: Bool = false,
        workdir: String = workdir,
        protectedPaths: [String] = [],
        lifetime: Duration = .seconds(1)
    ) throws -> PermissionManager {
        let rules = PermissionManager.ClientRules(
            permissions: try permissions.map { try Permission(parsing: $0) },
            deny: deny,
            isReadOnly: readOnly,
            workdir: workdir,
            home: Self.home
        )
        return try PermissionManager(protectedPaths: protectedPaths, rules: ["ana": rules], cacheLifetime: lifetime)
    }

    @Test func readWithoutAGlobCoversTheWorkdirOnly() throws {
        let m = try manager(["file_read"])
        #expect(m.check(client: "ana", access: .read, path: "notes.txt") == .allow)
        #expect(m.check(client: "ana", access: .read, path: Self.workdir) == .allow)
        #expect(!m.check(client: "ana", access: .read, path: "/nonexistent-w/ana-evil/x").isAllowed)
        #expect(!m.check(client: "ana", access: .read, path: "../bob/x").isAllowed)
        #expect(!m.check(client: "ana", access: .write, path: "notes.txt").isAllowed)
    }

    @Test func readWithAGlobFollowsTheGlob() throws {
        let m = try manager(["file_read:~/projects/**", "file_read:docs/*.md"])
        #expect(m.check(client: "ana", access: .read, path: "~/projects/x/y.swift") == .allow)
        #expect(m.check(client: "ana", access: .read, path: "docs/a.md") == .allow)
        #expect(!m.check(client: "ana", access: .read, path: "docs/sub/a.md").isAllowed)
        #expect(!m.check(client: "ana", access: .read, path: "notes.txt").isAllowed)
    }

    @Test func aDenialNamesThePermissionAndThePath() throws {
        let m = try manager(["file_read"])
        let decision = m.check(client: "ana", access: .read, path: "/etc/shadow")
        #expect(decision == .missing(.fileRead(glob: "/etc/shadow"), target: "/etc/shadow"))
        let reason = try #require(decision.reason(action: "reading"))
        #expect(reason.contains("\"/etc/shadow\""))
        #expect(reason.contains("\"file_read:/etc/shadow\""))
    }

    @Test func writeNeedsFileWriteInsideTheScopeOrFileWriteGlobal() throws {
        let m = try manager(["file_write", "file_write_global:/srv/shared/**"])
        #expect(m.check(client: "ana", access: .write, path: "out/a.txt") == .allow)
        #expect(m.check(client: "ana", access: .write, path: "/srv/shared/a") == .allow)
        #expect(
            m.check(client: "ana", access: .write, path: "/srv/other")
                == .missing(.fileWriteGlobal(glob: "/srv/other"), target: "/srv/other")
        )
        #expect(!m.check(client: "ana", access: .read, path: "out/a.txt").isAllowed)
    }

    @Test func denyOverridesEveryGrant() throws {
        let m = try manager(["file_read:/**", "file_write_global:/**"], deny: ["**/.env", "secrets/**"])
        #expect(
            m.check(client: "ana", access: .read, path: "/srv/app/.env")
                == .denyRule("**/.env", target: "/srv/app/.env")
        )
        #expect(!m.check(client: "ana", access: .write, path: "secrets/key").isAllowed)
        // A relative deny glob is relative to the workdir, not anywhere.
        #expect(m.check(client: "ana", access: .read, path: "/srv/secrets/key") == .allow)
        #expect(m.check(client: "ana", access: .read, path: "/srv/app/.envrc") == .allow)
    }

    @Test(arguments: [
        "~/.bashrc", "~/.ssh/authorized_keys", "~/.ssh", "/srv/repo/.git/hooks/pre-commit", "/srv/repo/.git/config",
        "~/.config/Claude/claude_desktop_config.json", "/x/claude_desktop_config.json", "~/.cursor/mcp.json",
        "/srv/p/.vscode/mcp.json", "/srv/p/.mcp.json", "~/.codeium/windsurf/mcp_config.json",
        "~/.config/bastion/bastion.toml", "~/.config/fish/config.fish", "~/.zshrc", "~/.profile",
        "/var/log/bastion/audit.jsonl", "/var/log/bastion/audit.jsonl.1", "/etc/bastion.toml",
    ])
    func theProtectedListBeatsFileWriteGlobal(_ path: String) throws {
        let m = try manager(
            ["file_read:/**", "file_write_global:/**"],
            protectedPaths: ["/etc/bastion.toml", "/var/log/bastion/audit.jsonl"]
        )
        let decision = m.check(client: "ana", access: .write, path: path)
        guard case .protected = decision else {
            Issue.record("expected protected, got \(decision)")
            return
        }
        #expect(decision.reason(action: "writing")?.contains("protected") == true)
        // Built-in entries may be read; Bastion's own files (configuration, audit log) may not.
        let isBastionsOwn = path.hasPrefix("/var/log/bastion/") || path == "/etc/bastion.toml"
        #expect(m.check(client: "ana", access: .read, path: path).isAllowed == !isBastionsOwn)
    }

    /// Review 8, finding 17: the server's binary, its libraries and their directories are never
    /// writable, whatever the client was granted, and stay readable as granted.
    @Test(arguments: [
        "/nonexistent-opt/bastion/bin/bastion", "/nonexistent-opt/swift/lib/libswiftCore.so",
        "/nonexistent-opt/swift/lib/libevil.so", "/nonexistent-opt/swift/lib", "/nonexistent-usr/lib/libc.so.6",
    ])
    func theServersRuntimeIsNeverWritable(_ path: String) throws {
        let rules = PermissionManager.ClientRules(
            permissions: [try Permission(parsing: "file_read:/**"), try Permission(parsing: "file_write_global:/**")],
            workdir: Self.workdir,
            home: Self.home
        )
        let m = try PermissionManager(
            protectedPaths: [],
            runtimePaths: [
                "/nonexistent-opt/bastion/bin/bastion", "/nonexistent-opt/swift/lib", "/nonexistent-usr/lib/libc.so.6",
            ],
            rules: ["ana": rules]
        )
        guard case .protected = m.check(client: "ana", access: .write, path: path) else {
            Issue.record("expected protected for \(path)")
            return
        }
        #expect(m.check(client: "ana", access: .read, path: path) == .allow)
        // A sibling of a protected library, or of the binary, stays writable.
        #expect(m.check(client: "ana", access: .write, path: "/nonexistent-usr/lib/libother.so.1") == .allow)
        #expect(m.check(client: "ana", access: .write, path: "/nonexistent-opt/bastion/bin/bastion-old") == .allow)
    }

    /// Review 9, finding 4: a protected directory (the approval sockets') is refused whole, for
    /// reading (listing) and writing, and its siblings starting with its name too.
    @Test(arguments: [
        "/nonexistent-run/bastion/approvals", "/nonexistent-run/bastion/approvals/123.sock",
        "/nonexistent-run/bastion/approvals/sub/x", "/nonexistent-run/bastion/approvals.old",
    ])
    func aProtectedDirectoryIsRefusedWhole(_ path: String) throws {
        let m = try manager(
            ["file_read:/**", "file_write_global:/**"],
            protectedPaths: ["/nonexistent-run/bastion/approvals"]
        )
        for access in [PermissionManager.Access.read, .write] {
            guard case .protected = m.check(client: "ana", access: access, path: path) else {
                Issue.record("expected protected for \(access) of \(path)")
                continue
            }
        }
        #expect(m.check(client: "ana", access: .write, path: "/nonexistent-run/bastion/other") == .allow)
    }

    @Test func readOnlyRefusesWritesAndExecution() throws {
        let m = try manager(["file_read", "file_write", "system_command:*"], readOnly: true)
        #expect(m.check(client: "ana", access: .read, path: "a") == .allow)
        #expect(m.check(client: "ana", access: .write, path: "a") == .readOnly(target: Self.workdir + "/a"))
        #expect(!m.check(client: "ana", access: .execute(command: "ls"), path: "/usr/bin/ls").isAllowed)
    }

    @Test func systemCommandMatchesABareNameOrTheCanonicalPath() throws {
        let m = try manager(["system_command:git", "system_command:/opt/tools/*"])
        #expect(m.check(client: "ana", access: .execute(command: "git"), path: "/nonexistent-bin/git") == .allow)
        #expect(!m.check(client: "ana", access: .execute(command: "gitk"), path: "/nonexistent-bin/gitk").isAllowed)
        // A path that merely ends in the granted name is not the granted name.
        #expect(!m.check(client: "ana", access: .execute(command: "/tmp/evil/git"), path: "/tmp/evil/git").isAllowed)
        #expect(m.check(client: "ana", access: .execute(command: "/opt/tools/fmt"), path: "/opt/tools/fmt") == .allow)
        #expect(
            m.check(client: "ana", access: .execute(command: "rm"), path: "/nonexistent-bin/rm")
                == .missing(.systemCommand(pattern: "rm"), target: "/nonexistent-bin/rm")
        )
    }

    @Test func aCommandWithASlashBeforeACombiningMarkIsAPathNotAName() throws {
        // "tools/\u{301}git" holds no "/" Character, but the kernel resolves it as a relative path:
        // a name grant, which only allows what the server's PATH finds, must not match it.
        let m = try manager(["system_command:**"])
        let command = "tools/\u{301}git"
        let decision = m.check(client: "ana", access: .execute(command: command), path: Self.workdir + "/" + command)
        #expect(decision == .missing(.systemCommand(pattern: command), target: Self.workdir + "/" + command))
        #expect(m.check(client: "ana", access: .execute(command: "git"), path: "/nonexistent-bin/git") == .allow)
    }

    @Test func unknownClientsAreDenied() throws {
        let m = try manager(["file_read:/**"])
        #expect(!m.check(client: "mallory", access: .read, path: "/etc/hosts").isAllowed)
    }

    @Test func badPathsAreDeniedNotCrashed() throws {
        let m = try manager(["file_read:/**"])
        guard case .invalidPath = m.check(client: "ana", access: .read, path: "a\0b") else {
            Issue.record("a NUL byte must be refused")
            return
        }
    }

    @Test func replaceRulesInvalidatesCachedDecisions() throws {
        let m = try manager(["file_read"])
        #expect(m.check(client: "ana", access: .read, path: "a") == .allow)
        #expect(m.cachedCount(client: "ana") == 1)
        try m.replaceRules([
            "ana": .init(permissions: [], workdir: Self.workdir, home: Self.home)
        ])
        #expect(m.cachedCount(client: "ana") == 0)
        #expect(!m.check(client: "ana", access: .read, path: "a").isAllowed)
    }

    @Test func aConnectionOfARemovedClientStaysDeniedWhenTheClientIsConfiguredAgain() throws {
        let m = try manager(["file_read"])
        let connected = m.client("ana")
        #expect(connected.check(.read, path: "a") == .allow)
        try m.replaceRules([:])
        #expect(!connected.check(.read, path: "a").isAllowed)
        try m.replaceRules([
            "ana": .init(permissions: [try Permission(parsing: "file_read")], workdir: Self.workdir, home: Self.home)
        ])
        // Removal revoked that connection's rights for good; a new connection gets the new ones.
        #expect(!connected.check(.read, path: "a").isAllowed)
        #expect(m.client("ana").check(.read, path: "a") == .allow)
    }

    @Test func aBadReloadKeepsTheOldRules() throws {
        let m = try manager(["file_read"])
        #expect(throws: PermissionParseError.self) {
            try m.replaceRules(["ana": .init(permissions: [], deny: ["/a**"], workdir: Self.workdir, home: Self.home)])
        }
        #expect(m.check(client: "ana", access: .read, path: "a") == .allow)
    }

    @Test func aChangedSymlinkIsNoticedAfterTheCacheLifetime() throws {
        let scratch = try ScratchDirectory()
        let files = FileManager.default
        try files.createDirectory(atPath: scratch.file("work/inside"), withIntermediateDirectories: true)
        try files.createSymbolicLink(
            atPath: scratch.file("work/link"),
            withDestinationPath: scratch.file("work/inside")
        )
        let m = try manager(["file_read"], workdir: scratch.file("work"), lifetime: .milliseconds(50))
        #expect(m.check(client: "ana", access: .read, path: "link/x") == .allow)
        try files.removeItem(atPath: scratch.file("work/link"))
        try files.createSymbolicLink(atPath: scratch.file("work/link"), withDestinationPath: "/etc")
        Thread.sleep(forTimeInterval: 0.1)
        #expect(
            m.check(client: "ana", access: .read, path: "link/x")
                == .missing(.fileRead(glob: "/etc/x"), target: "/etc/x")
        )
    }

    @Test func theCacheStaysBounded() throws {
        let rules = PermissionManager.ClientRules(
            permissions: [.fileRead(glob: nil)],
            workdir: Self.workdir,
            home: Self.home
        )
        let m = try PermissionManager(protectedPaths: [], rules: ["ana": rules], cacheCapacity: 8)
        for index in 0..<100 { _ = m.check(client: "ana", access: .read, path: "f\(index)") }
        #expect(m.cachedCount(client: "ana") <= 8)
    }

    @Test func globsThroughASymlinkedDirectoryMeetCanonicalPaths() throws {
        let scratch = try ScratchDirectory()
        let files = FileManager.default
        try files.createDirectory(atPath: scratch.file("data/secret"), withIntermediateDirectories: true)
        try files.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.file("data"))
        let m = try manager(["file_read:" + scratch.file("link") + "/**"], deny: [scratch.file("link/secret") + "/**"])
        #expect(m.check(client: "ana", access: .read, path: scratch.file("data/a.txt")) == .allow)
        #expect(m.check(client: "ana", access: .read, path: scratch.file("link/a.txt")) == .allow)
        guard case .denyRule = m.check(client: "ana", access: .read, path: scratch.file("data/secret/k")) else {
            Issue.record("the deny rule written through the symlink must still apply")
            return
        }
    }

    @Test func resolveReturnsTheCanonicalPathWithTheDecision() throws {
        let m = try manager(["file_read"])
        let resolution = m.resolve(client: "ana", access: .read, path: "a/../b.txt")
        #expect(resolution.decision == .allow)
        #expect(resolution.canonicalPath == Self.workdir + "/b.txt")
        #expect(m.resolve(client: "ana", access: .read, path: "a\u{0}b").canonicalPath == nil)
        #expect(m.resolve(client: "bob", access: .read, path: "x").canonicalPath == nil)
    }

    @Test func aCanonicalPathIsCheckedWithoutResolvingIt() throws {
        let m = try manager(["file_read", "file_write"], deny: ["**/.env"])
        #expect(m.check(client: "ana", access: .write, canonicalPath: Self.workdir + "/x") == .allow)
        #expect(!m.check(client: "ana", access: .read, canonicalPath: Self.workdir + "/a/.env").isAllowed)
        #expect(!m.check(client: "ana", access: .write, canonicalPath: Self.workdir + "/.bashrc").isAllowed)
        #expect(!m.check(client: "bob", access: .read, canonicalPath: Self.workdir + "/x").isAllowed)
        #expect(m.cachedCount(client: "ana") == 0)
    }

    @Test func scopeRootsAreTheOutermostLiteralDirectoriesOfTheGrants() throws {
        let m = try manager([
            "file_read", "file_read:~/projects/**", "file_read:~/projects/a/*.md", "file_write:out/**",
            "file_write_global:/srv/www/index.html",
        ])
        let roots = m.scopeRoots(client: "ana")
        #expect(roots.read == [Self.home + "/projects", Self.workdir])
        #expect(roots.write == [Self.workdir + "/out", "/srv/www"])
        let readOnly = try manager(["file_read", "file_write"], readOnly: true)
        #expect(readOnly.scopeRoots(client: "ana").write.isEmpty)
        #expect(m.scopeRoots(client: "bob").read.isEmpty)
    }

    @Test func bastionsOwnFilesCannotBeReadEither() throws {
        let m = try manager(
            ["file_read:/nonexistent-srv/**", "file_write:/nonexistent-srv/**"],
            protectedPaths: ["/nonexistent-srv/audit.jsonl"]
        )
        for path in [
            "/nonexistent-srv/audit.jsonl", "/nonexistent-srv/audit.jsonl.1", "/nonexistent-srv/audit.jsonl.head",
        ] {
            #expect(!m.check(client: "ana", access: .read, path: path).isAllowed, "\(path)")
            #expect(!m.check(client: "ana", access: .write, path: path).isAllowed, "\(path)")
        }
        #expect(m.check(client: "ana", access: .read, path: "/nonexistent-srv/other.txt") == .allow)
        // The built-in list stays write-only: reading your own .bashrc is fine.
        #expect(m.check(client: "ana", access: .read, path: "/nonexistent-srv/.bashrc") == .allow)
        #expect(!m.check(client: "ana", access: .write, path: "/nonexistent-srv/.bashrc").isAllowed)
    }

    @Test func aPathThatIsNotCanonicalOnBytesIsRefused() throws {
        let m = try manager(["file_read:/**"])
        #expect(!m.check(client: "ana", access: .read, canonicalPath: "/a/x\u{0600}/../b").isAllowed)
        #expect(!m.check(client: "ana", access: .read, canonicalPath: "/a//b").isAllowed)
    }
}

import Testing

@testable import BastionSecurity

struct CompiledRulesDecidingTests {
    static let workdir = "/nonexistent-w/ana"

    private func compile(
        _ permissions: [Permission],
        deny: [String] = [],
        own: [String] = []
    ) throws
        -> CompiledRules
    {
        var protected = CompiledRules.Protected()
        protected.own = try own.map { glob throws(PermissionParseError) in try GlobPattern(glob) }
        protected.builtIn = [try GlobPattern("**/.bashrc")]
        return try CompiledRules(
            PermissionManager.ClientRules(permissions: permissions, deny: deny, workdir: Self.workdir, home: "/h"),
            protected: protected
        )
    }

    @Test func theChecksApplyInTheDocumentedOrder() throws {
        let rules = try compile([.fileRead(glob: "/**"), .fileWrite(glob: "/**")], deny: ["**/*.key"], own: ["/b/**"])
        #expect(rules.decide(.read, canonicalPath: "/b/x.key") == .protected("/b/**", target: "/b/x.key"))
        #expect(rules.decide(.write, canonicalPath: "/a/.bashrc") == .protected("**/.bashrc", target: "/a/.bashrc"))
        #expect(rules.decide(.read, canonicalPath: "/a/.bashrc") == .allow)
        #expect(rules.decide(.read, canonicalPath: "/a/x.key") == .denyRule("**/*.key", target: "/a/x.key"))
        #expect(rules.decide(.read, canonicalPath: "/a/x") == .allow)
        #expect(!rules.decide(.read, canonicalPath: "/a/../x").isAllowed)
    }

    @Test func aRelativeCommandIsNeverABareName() throws {
        let rules = try compile([.systemCommand(pattern: "**")])
        #expect(rules.decide(.execute(command: "git"), canonicalPath: "/usr/bin/git") == .allow)
        let command = "tools/\u{301}git"
        #expect(!rules.decide(.execute(command: command), canonicalPath: Self.workdir + "/" + command).isAllowed)
    }

    @Test func resolveReturnsTheCanonicalPath() throws {
        let rules = try compile([.fileRead(glob: nil)])
        let resolution = rules.resolve(.read, "a/./b/../c")
        #expect(resolution.canonicalPath == Self.workdir + "/a/c")
        #expect(resolution.decision == .allow)
        #expect(rules.resolve(.read, "a\0b").canonicalPath == nil)
    }
}

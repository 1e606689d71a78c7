import Testing

@testable import BastionSecurity

struct CompiledRulesTests {
    static let workdir = "/nonexistent-w/ana"
    static let home = "/nonexistent-h/ana"

    private func compile(
        _ permissions: [Permission],
        deny: [String] = [],
        readOnly: Bool = false
    ) throws
        -> CompiledRules
    {
        try CompiledRules(
            PermissionManager.ClientRules(
                permissions: permissions,
                deny: deny,
                isReadOnly: readOnly,
                workdir: Self.workdir,
                home: Self.home
            ),
            protected: CompiledRules.Protected()
        )
    }

    @Test func aReadOnlyClientKeepsOnlyItsReadGrants() throws {
        let rules = try compile(
            [.fileRead(glob: nil), .fileWrite(glob: nil), .systemCommand(pattern: "git"), .custom(name: "x")],
            readOnly: true
        )
        #expect(rules.grants == [.fileRead(glob: nil)])
        #expect(rules.writes.isEmpty && rules.commandNames.isEmpty && rules.writeRoots.isEmpty)
        #expect(rules.isReadOnly)
    }

    @Test func commandPatternsAreSplitAtASlashByte() throws {
        let rules = try compile([.systemCommand(pattern: "git"), .systemCommand(pattern: "tools/\u{301}x")])
        #expect(rules.commandNames.map(\.pattern) == ["/git"])
        #expect(rules.commandPaths.map(\.pattern) == ["tools/\u{301}x"])
        #expect(rules.commandPaths.first?.matches(Self.workdir + "/tools/\u{301}x") == true)
    }

    @Test func grantGlobsMeanWhatTheyMeanInAGrant() throws {
        let rules = try compile([.fileRead(glob: nil)])
        #expect(rules.grantGlob(nil) == rules.scope)
        #expect(rules.scope.matches(Self.workdir + "/a/b"))
        #expect(rules.grantGlob("src/**")?.matches(Self.workdir + "/src/x") == true)
        #expect(rules.grantGlob("~/p/**")?.matches(Self.home + "/p/x") == true)
        #expect(rules.grantGlob("/a/**b") == nil)
    }

    @Test func denyGlobsStartingWithGlobstarMatchAnywhere() throws {
        let rules = try compile([.fileRead(glob: nil)], deny: ["**/.env", "secrets/**"])
        #expect(rules.deny.contains { $0.matches("/elsewhere/.env") })
        #expect(rules.deny.contains { $0.matches(Self.workdir + "/secrets/k") })
        #expect(!rules.deny.contains { $0.matches("/elsewhere/secrets/k") })
    }

    @Test func outermostKeepsOnlyDirectoriesNotInsideAnother() {
        #expect(CompiledRules.outermost(["/a/b", "/a", "/c", "/a/b/c", "/c"]) == ["/a", "/c"])
        #expect(CompiledRules.outermost(["/a-b", "/a"]) == ["/a", "/a-b"])
    }
}

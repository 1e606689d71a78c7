import Testing

@testable import BastionSecurity

struct ClientPermissionsTests {
    static let home = "/nonexistent-h"

    static func rules(
        _ permissions: [Permission],
        workdir: String,
        readOnly: Bool = false
    )
        -> PermissionManager.ClientRules
    {
        PermissionManager.ClientRules(permissions: permissions, isReadOnly: readOnly, workdir: workdir, home: home)
    }

    private func manager() throws -> PermissionManager {
        try PermissionManager(
            protectedPaths: [],
            rules: [
                "a": Self.rules([.fileRead(glob: nil)], workdir: "/nonexistent-w/a"),
                "b": Self.rules([.fileRead(glob: nil), .fileWrite(glob: nil)], workdir: "/nonexistent-w/b"),
            ]
        )
    }

    @Test func everyConnectionOfAClientSharesOneStateAndClientsHaveTheirOwn() throws {
        let m = try manager()
        #expect(m.client("a") === m.client("a"))
        #expect(m.client("a") !== m.client("b"))
        #expect(m.client("a").check(.read, path: "x") == .allow)
        #expect(m.client("a").cachedCount == 1)
        #expect(m.client("b").cachedCount == 0)
        #expect(!m.client("a").check(.read, path: "/nonexistent-w/b/x").isAllowed)
    }

    /// Found by the hostile review: the cache was keyed by `String`, whose equality is canonical
    /// equivalence, so the NFD spelling of a path got the NFC spelling's decision and canonical
    /// path (another file). Decided and resolved on their own bytes, they stay two entries.
    @Test func theNFCAndNFDSpellingsOfAPathAreCachedApart() throws {
        let m = try manager()
        let a = m.client("a")
        let nfc = a.resolve(.read, path: "caf\u{E9}.txt")
        let nfd = a.resolve(.read, path: "cafe\u{301}.txt")
        #expect(a.cachedCount == 2)
        #expect(nfc.canonicalPath.map { Array($0.utf8) } == Array("/nonexistent-w/a/caf\u{E9}.txt".utf8))
        #expect(nfd.canonicalPath.map { Array($0.utf8) } == Array("/nonexistent-w/a/cafe\u{301}.txt".utf8))
    }

    @Test func aReloadSwapsTheRulesInPlaceAndEmptiesTheCache() throws {
        let m = try manager()
        let a = m.client("a")
        #expect(a.check(.write, path: "x") != .allow)
        #expect(a.cachedCount == 1)
        try m.replaceRules(["a": Self.rules([.fileWrite(glob: nil)], workdir: "/nonexistent-w/a")])
        #expect(m.client("a") === a)
        #expect(a.cachedCount == 0)
        #expect(a.grants == [.fileWrite(glob: nil)])
        #expect(a.check(.write, path: "x") == .allow)
        #expect(a.check(RequiredPermissions.checkedPerCall(.fileRead), isReadOnlyTool: true) == .missingKind(.fileRead))
    }

    @Test func aClientRemovedByAReloadIsDeniedEverythingButPublicReadOnlyTools() throws {
        let m = try manager()
        let b = m.client("b")
        try m.replaceRules(["a": Self.rules([.fileRead(glob: nil)], workdir: "/nonexistent-w/a")])
        #expect(b.grants.isEmpty)
        #expect(b.isReadOnly)
        #expect(!b.check(.read, path: "x").isAllowed)
        #expect(!b.check(.read, canonicalPath: "/nonexistent-w/b/x").isAllowed)
        #expect(b.scopeRoots.read.isEmpty)
        #expect(b.check(.public, isReadOnlyTool: true) == .allow)
        #expect(b.check(.public, isReadOnlyTool: false) == .readOnlyTool)
        // Configured again: a new connection gets the rules; the removed one stays revoked.
        try m.replaceRules(["b": Self.rules([.fileRead(glob: nil)], workdir: "/nonexistent-w/b")])
        #expect(!b.check(.read, path: "x").isAllowed)
        #expect(m.client("b").check(.read, path: "x") == .allow)
    }

    @Test func aBadReloadChangesNothing() throws {
        let m = try manager()
        #expect(throws: PermissionParseError.self) {
            try m.replaceRules(["a": Self.rules([.fileRead(glob: "/x/a**")], workdir: "/nonexistent-w/a")])
        }
        #expect(m.client("a").check(.read, path: "x") == .allow)
        #expect(m.client("b").check(.write, path: "x") == .allow)
    }

    @Test func anIDThatWasNeverConfiguredGetsAStateThatDeniesEverything() throws {
        let m = try manager()
        let mallory = m.client("mallory")
        #expect(mallory !== m.client("mallory"))
        #expect(mallory.resolve(.read, path: "/etc/hosts").canonicalPath == nil)
        #expect(!mallory.check(.read, path: "/etc/hosts").isAllowed)
        #expect(mallory.check(.checkedPerCall(.fileRead), isReadOnlyTool: true) == .missingKind(.fileRead))
    }

    @Test func aStateWithoutAManagerChecksToolsButDeniesEveryPath() {
        let state = ClientPermissions(id: "t", permissions: [.fileRead(glob: nil)], workdir: "/nonexistent-w/t")
        #expect(state.grants == [.fileRead(glob: nil)])
        #expect(!state.isReadOnly)
        #expect(state.check([.fileRead(glob: nil)], isReadOnlyTool: true) == .allow)
        #expect(!state.check(.read, path: "x").isAllowed)
        #expect(!state.check(.read, canonicalPath: "/nonexistent-w/t/x").isAllowed)
        #expect(state.scopeRoots.read.isEmpty)
    }

    @Test func undeclaredIsRefusedBeforeTheReadOnlyTest() throws {
        let m = try PermissionManager(
            protectedPaths: [],
            rules: ["r": Self.rules([.fileRead(glob: nil)], workdir: "/nonexistent-w/r", readOnly: true)]
        )
        #expect(m.client("r").check(.undeclared, isReadOnlyTool: false) == .undeclared)
        #expect(m.client("r").check([.fileRead(glob: nil)], isReadOnlyTool: false) == .readOnlyTool)
        #expect(m.client("r").check([.fileRead(glob: nil)], isReadOnlyTool: true) == .allow)
    }

    @Test func twoClientsCheckingAtOnceGetTheirOwnAnswers() async throws {
        let m = try manager()
        let results = await withTaskGroup(of: (String, Bool).self) { group in
            for id in ["a", "b"] {
                group.addTask {
                    var allWriteAnswersRight = true
                    for index in 0..<2_000 {
                        let decision = m.client(id).check(.write, path: "f\(index % 64)")
                        allWriteAnswersRight = allWriteAnswersRight && decision.isAllowed == (id == "b")
                    }
                    return (id, allWriteAnswersRight)
                }
            }
            var results: [String: Bool] = [:]
            for await (id, isRight) in group { results[id] = isRight }
            return results
        }
        #expect(results == ["a": true, "b": true])
    }
}

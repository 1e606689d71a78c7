import Testing

@testable import BastionSecurity

/// A walk's decisions (made once per directory when they can be, else by stepping each entry's
/// name through the globs still undecided) must be the per-entry decision on the entry's whole
/// raw path, for every entry of every directory: each test walks a synthetic tree three levels
/// deep below `/r` built from names that exercise the rules (wildcards, `**`, non-UTF-8 bytes,
/// a U+FFFD twin, NFC and NFD spellings) and compares both for every path.
struct WalkPermissionsTests {
    static let root = Array("/r".utf8)
    static let names: [[UInt8]] = [
        Array("a".utf8), Array("b.key".utf8), Array("secret".utf8), [0xFF] + Array("secret".utf8),
        [0xFF, 0x80] + Array("secret".utf8), [0xFF] + Array("vault".utf8), Array(".ssh".utf8), Array("pub".utf8),
        Array("x1".utf8), Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8), Array("\u{FFFD}secret".utf8),
    ]

    struct Rules {
        var permissions: [Permission] = [.fileRead(glob: nil)]
        var deny: [String] = []
        var protected: [String] = []
        var readOnly = false
    }

    static func client(_ rules: Rules) throws -> ClientPermissions {
        let manager = try PermissionManager(
            protectedPaths: rules.protected,
            rules: [
                "c": PermissionManager.ClientRules(
                    permissions: rules.permissions,
                    deny: rules.deny,
                    isReadOnly: rules.readOnly,
                    workdir: "/r",
                    home: "/nonexistent-h"
                )
            ]
        )
        return manager.client("c")
    }

    /// What a walk must decide for `path`: the decision on its raw bytes and, when they are not
    /// UTF-8, on the U+FFFD form too (the canonical path of a link to the same file).
    static func expected(_ client: ClientPermissions, _ access: PermissionManager.Access, _ path: [UInt8]) -> Bool {
        let onBytes = client.check(access, canonicalBytes: path).isAllowed
        guard let text = String(validating: path, as: UTF8.self) else {
            return onBytes && client.check(access, canonicalPath: String(decoding: path, as: UTF8.self)).isAllowed
        }
        #expect(client.check(access, canonicalPath: text).isAllowed == onBytes, "bytes and String disagree on \(text)")
        return onBytes
    }

    /// Walks every path of the tree below `/r`; returns how many directories were decided uniformly.
    @discardableResult
    static func compare(_ rules: Rules, access: PermissionManager.Access = .read) throws -> Int {
        let client = try client(rules)
        var uniform = 0
        func walk(_ permissions: WalkPermissions, _ path: [UInt8], depth: Int) {
            if permissions.uniform != nil { uniform += 1 }
            for name in names {
                let child = path + [UInt8(ascii: "/")] + name
                let isAllowed = name.withUnsafeBufferPointer { permissions.isAllowed($0) }
                let shown = String(decoding: child, as: UTF8.self)
                #expect(isAllowed == expected(client, access, child), "\(shown) with \(rules.deny)")
                if let decision = permissions.uniform { #expect(decision == isAllowed, "uniform, yet \(shown)") }
                guard depth < 2 else { continue }
                let below = name.withUnsafeBufferPointer { permissions.entering($0) }
                #expect(below.directory == child)
                walk(below, child, depth: depth + 1)
            }
        }
        walk(client.walkPermissions(access, below: root), root, depth: 0)
        return uniform
    }

    @Test func grantsAloneDecideTheWholeTreeOnce() throws {
        let client = try Self.client(Rules())
        #expect(client.walkPermissions(.read, below: Self.root).uniform == true)
        #expect(client.walkPermissions(.read, below: Array("/elsewhere".utf8)).uniform == false)
        #expect(try Self.compare(Rules()) > 100)
    }

    @Test func wildcardDenyRulesInTheLastSegmentAreCheckedPerEntry() throws {
        let rules = Rules(deny: ["**/*.key", "**/.ssh/**", "**/?secret", "/r/*/x?"])
        #expect(try Self.client(rules).walkPermissions(.read, below: Self.root).uniform == nil)
        try Self.compare(rules)
    }

    @Test func aDenyBelowAnAllowIsUniformOnlyOutsideIt() throws {
        let rules = Rules(permissions: [.fileRead(glob: "/r/**")], deny: ["/r/a/secret/**"])
        let client = try Self.client(rules)
        let top = client.walkPermissions(.read, below: Self.root)
        #expect(top.uniform == nil)
        let other = Array("x1".utf8).withUnsafeBufferPointer { top.entering($0) }
        #expect(other.uniform == true)
        let a = Array("a".utf8).withUnsafeBufferPointer { top.entering($0) }
        #expect(a.uniform == nil)
        let secret = Array("secret".utf8).withUnsafeBufferPointer { a.entering($0) }
        #expect(secret.uniform == false)
        #expect(try Self.compare(rules) > 100)
    }

    @Test func wildcardGrantsAndGlobstarsInTheMiddle() throws {
        try Self.compare(Rules(permissions: [.fileRead(glob: "/r/*/pub/**"), .fileRead(glob: "/r/a/*.key")]))
        try Self.compare(Rules(deny: ["**/a/**/x1", "/r/**/pub/*", "/r/?/**"]))
        try Self.compare(Rules(permissions: [.fileRead(glob: "**/pub/**")], deny: ["**/pub/**/b.key"]))
    }

    @Test func bastionsOwnFilesAndTheBuiltInListAreRefused() throws {
        try Self.compare(Rules(protected: ["/r/a/audit.jsonl", "/r/x1"]))
        try Self.compare(
            Rules(permissions: [.fileRead(glob: nil), .fileWrite(glob: nil)], protected: ["/r/pub/state"]),
            access: .write
        )
    }

    @Test func namesThatAreNotUTF8AreDecidedOnTheirBytesAndTheirReplacementForm() throws {
        // `?` takes the byte 0xFF for one character, as U+FFFD is one for the canonicalizer; the
        // U+FFFD spelled in a rule matches only the replacement form, which must refuse too.
        let rules = Rules(deny: ["**/?secret", "**/?vault/**", "**/\u{FFFD}secret", "**/??secret"])
        try Self.compare(rules)
        let client = try Self.client(rules)
        let top = client.walkPermissions(.read, below: Self.root)
        for name in [[0xFF] + Array("secret".utf8), [0xFF, 0x80] + Array("secret".utf8)] {
            #expect(!name.withUnsafeBufferPointer { top.isAllowed($0) })
        }
        // Below a directory that is not UTF-8 nothing is uniformly allowed: each U+FFFD form is checked.
        let odd = ([0xFF] + Array("dir".utf8)).withUnsafeBufferPointer { top.entering($0) }
        #expect(odd.uniform != true)
    }

    @Test func globsTooLongToStepAreMatchedOnWholePaths() throws {
        let long = "/r/" + Array(repeating: "*", count: 70).joined(separator: "/")
        #expect(try GlobPattern(long).segments.count > GlobStepper.maximumSegments)
        try Self.compare(Rules(deny: [long, "/r/a/" + Array(repeating: "**", count: 64).joined(separator: "/")]))
    }

    @Test func writesOfAReadOnlyClientAndExecutionAreRefusedEverywhere() throws {
        let client = try Self.client(Rules(permissions: [.fileRead(glob: nil), .fileWrite(glob: nil)], readOnly: true))
        #expect(client.walkPermissions(.write, below: Self.root).uniform == false)
        #expect(client.walkPermissions(.execute(command: "ls"), below: Self.root).uniform == false)
        #expect(client.walkPermissions(.read, below: Self.root).uniform == true)
    }

    @Test func aDirectoryNotInCanonicalFormAndOddNamesAreRefused() throws {
        let client = try Self.client(Rules())
        #expect(client.walkPermissions(.read, below: Array("/r/../etc".utf8)).uniform == false)
        #expect(client.walkPermissions(.read, below: Array("r".utf8)).uniform == false)
        let top = try Self.client(Rules(deny: ["**/*.key"])).walkPermissions(.read, below: Self.root)
        for name in ["", ".", "..", "a/b"] {
            #expect(!Array(name.utf8).withUnsafeBufferPointer { top.isAllowed($0) }, "\(name)")
        }
    }

    @Test func aClientWithoutRulesIsRefusedEverything() throws {
        let manager = try PermissionManager(protectedPaths: [], rules: [:])
        #expect(manager.client("nobody").walkPermissions(.read, below: Self.root).uniform == false)
        let unmanaged = ClientPermissions(id: "u", permissions: [.fileRead(glob: nil)], workdir: "/r")
        #expect(unmanaged.walkPermissions(.read, below: Self.root).uniform == false)
    }
}

import Foundation
import Testing

@testable import BastionResources

struct ReadScopeTests {
    /// root/{bin/tool, etc/{a.conf, bastion.toml, bastion.toml~, .bastion.toml.swp}, state/{audit.jsonl, audit.jsonl.2, other}}
    private func tree(_ scratch: borrowing ScratchDirectory) throws {
        for directory in ["root", "root/bin", "root/etc", "root/state"] {
            try ScratchDirectory.makeDirectory(scratch.file(directory), mode: 0o755)
        }
        for file in [
            "root/bin/tool", "root/etc/a.conf", "root/etc/bastion.toml", "root/etc/bastion.toml~",
            "root/etc/.bastion.toml.swp", "root/state/audit.jsonl", "root/state/audit.jsonl.2", "root/state/other",
        ] {
            #expect(FileManager.default.createFile(atPath: scratch.file(file), contents: Data("x".utf8)))
        }
    }

    @Test func aRootWithoutHiddenPathsStaysWhole() throws {
        let scratch = try ScratchDirectory()
        try tree(scratch)
        #expect(ReadScope.carve([scratch.file("root")], around: ["/elsewhere/audit.jsonl"]) == [scratch.file("root")])
    }

    @Test func hiddenPathsAndTheirLookAlikesAreCarvedOutAtAnyDepth() throws {
        let scratch = try ScratchDirectory()
        try tree(scratch)
        let carved = Set(
            ReadScope.carve(
                [scratch.file("root")],
                around: [scratch.file("root/etc/bastion.toml"), scratch.file("root/state/audit.jsonl")]
            )
        )
        #expect(
            carved == [scratch.file("root/bin"), scratch.file("root/etc/a.conf"), scratch.file("root/state/other")]
        )
    }

    /// Review 10, finding 5: a link in a carved directory became a root, and its bind failed the
    /// worker's sandbox (a link to anything could switch a client's tools off).
    @Test func aSymbolicLinkInACarvedDirectoryIsNoRoot() throws {
        let scratch = try ScratchDirectory()
        try tree(scratch)
        try FileManager.default.createSymbolicLink(
            atPath: scratch.file("root/state/dangling"),
            withDestinationPath: "/nonexistent"
        )
        try FileManager.default.createSymbolicLink(
            atPath: scratch.file("root/state/etc-link"),
            withDestinationPath: "../etc"
        )
        let carved = Set(ReadScope.carve([scratch.file("root")], around: [scratch.file("root/state/audit.jsonl")]))
        #expect(carved.contains(scratch.file("root/state/other")))
        #expect(
            !carved.contains(scratch.file("root/state/dangling"))
                && !carved.contains(scratch.file("root/state/etc-link"))
        )
        let precise = Set(
            ReadScope.carve([scratch.file("root")], around: [scratch.file("root/state/other")], lookAlikes: false)
        )
        #expect(!precise.contains(scratch.file("root/state/dangling")))
    }

    @Test func aHiddenDirectoryGoesWithEverythingInIt() throws {
        let scratch = try ScratchDirectory()
        try tree(scratch)
        let carved = Set(ReadScope.carve([scratch.file("root")], around: [scratch.file("root/state")]))
        #expect(carved == [scratch.file("root/bin"), scratch.file("root/etc")])
        #expect(ReadScope.carve([scratch.file("root/state/other")], around: [scratch.file("root/state")]).isEmpty)
    }

    /// `/etc` is given entry by entry: a look-alike entry given as a root of its own goes too.
    @Test func aLookAlikeRootIsLeftOut() {
        #expect(ReadScope.carve(["/etc/bastion.toml~", "/etc/hosts"], around: ["/etc/bastion.toml"]) == ["/etc/hosts"])
        #expect(ReadScope.isHidden("/s/audit.jsonl.head", by: "/s/audit.jsonl"))
        #expect(!ReadScope.isHidden("/t/audit.jsonl.head", by: "/s/audit.jsonl"))
        #expect(!ReadScope.isHidden("/s", by: "/s/audit.jsonl"))
    }

    @Test func anUnlistableDirectoryIsLeftOut() {
        #expect(ReadScope.carve(["/nonexistent-bastion-dir"], around: ["/nonexistent-bastion-dir/x"]).isEmpty)
    }

    @Test func theCanonicalFormResolvesTheParent() throws {
        let scratch = try ScratchDirectory()
        try ScratchDirectory.makeDirectory(scratch.file("real"), mode: 0o700)
        #expect(symlink(scratch.file("real"), scratch.file("link")) == 0)
        let base = try #require(realpath(scratch.path, nil))
        defer { free(base) }
        #expect(ReadScope.canonical(scratch.file("link/audit.jsonl")) == String(cString: base) + "/real/audit.jsonl")
        #expect(ReadScope.canonical("/audit.jsonl") == nil)
    }
}

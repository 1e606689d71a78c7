import Foundation
import Testing

@testable import BastionSecurity

struct PathCanonicalizerTests {
    private func canonical(
        _ path: String,
        workdir: String = "/nonexistent-w/ana",
        home: String = "/nonexistent-h/ana"
    )
        throws -> String
    {
        try PathCanonicalizer.canonical(path, relativeTo: workdir, home: home)
    }

    @Test(arguments: [
        ("notes.txt", "/nonexistent-w/ana/notes.txt"),
        ("./a/./b", "/nonexistent-w/ana/a/b"),
        ("../bob/secret", "/nonexistent-w/bob/secret"),
        ("../../../../../etc/shadow", "/etc/shadow"),
        ("~", "/nonexistent-h/ana"),
        ("~/.ssh/id_ed25519", "/nonexistent-h/ana/.ssh/id_ed25519"),
        ("~bob/x", "/nonexistent-w/ana/~bob/x"),
        ("/nonexistent-a//b/", "/nonexistent-a/b"),
        ("/", "/"),
        ("/..", "/"),
    ])
    func resolvesLexically(_ input: String, _ expected: String) throws {
        #expect(try canonical(input) == expected)
    }

    @Test func dotDotCannotEscapeTheRoot() throws {
        #expect(try canonical("/../../etc/passwd") == "/etc/passwd")
    }

    @Test(arguments: ["", "a\0b", "/" + String(repeating: "x", count: 4096)])
    func refusesBadPaths(_ input: String) {
        let error = #expect(throws: PermissionParseError.self) { try canonical(input) }
        #expect(error?.code == .invalidArgument)
    }

    @Test func refusesARelativeWorkdir() {
        #expect(throws: PermissionParseError.self) { try canonical("a", workdir: "relative") }
    }

    @Test func resolvesSymlinksInTheExistingPrefix() throws {
        let scratch = try ScratchDirectory()
        let real = scratch.file("real")
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: real)
        let base = try canonical(scratch.path)
        #expect(try canonical(scratch.file("link")) == base + "/real")
        // A file that does not exist yet under the symlinked directory gets its real location.
        #expect(try canonical(scratch.file("link/new/file.txt")) == base + "/real/new/file.txt")
        // Relative to a symlinked workdir.
        #expect(try canonical("x", workdir: scratch.file("link")) == base + "/real/x")
    }

    @Test func aSymlinkOutOfTheWorkdirIsResolvedToItsTarget() throws {
        let scratch = try ScratchDirectory()
        let workdir = scratch.file("work")
        try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: workdir + "/escape", withDestinationPath: "/etc")
        #expect(try canonical("escape/passwd", workdir: workdir) == "/etc/passwd")
    }

    @Test func aDanglingSymlinkIsFollowedToWhereItWouldWrite() throws {
        let scratch = try ScratchDirectory()
        let base = try canonical(scratch.path)
        try FileManager.default.createSymbolicLink(
            atPath: scratch.file("dangling"),
            withDestinationPath: "target-dir/file"
        )
        #expect(try canonical(scratch.file("dangling")) == base + "/target-dir/file")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.file("abs"),
            withDestinationPath: "/nonexistent-root/x"
        )
        #expect(try canonical(scratch.file("abs/y")) == "/nonexistent-root/x/y")
    }

    @Test func aSymlinkLoopIsRefused() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createSymbolicLink(atPath: scratch.file("a"), withDestinationPath: scratch.file("b"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("b"), withDestinationPath: scratch.file("a"))
        #expect(throws: PermissionParseError.self) { try canonical(scratch.file("a/x")) }
    }

    @Test func dotDotNextToAGraphemeJoiningCharacterIsStillResolved() throws {
        let path = try PathCanonicalizer.canonical("x\u{0600}/../secret/key", relativeTo: "/nonexistent-w", home: "/h")
        #expect(path == "/nonexistent-w/secret/key")
        let absolute = try PathCanonicalizer.canonical("/\u{0301}/../etc", relativeTo: "/nonexistent-w", home: "/h")
        #expect(absolute == "/etc")
    }
}

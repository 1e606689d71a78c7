import Foundation
import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

/// What a dead server left, and where a code directory may be made (CodeDirectory+Stale.swift).
struct CodeDirectoryStaleTests {
    /// Review 12, finding 3: a server killed with SIGKILL left the code of its runs behind for good.
    @Test("What dead servers left is removed at start; a live server's, a link and other names stay")
    func staleDirectoriesAreRemoved() throws {
        let scratch = try ScratchDirectory()
        let dead = try #require((4_000_000...4_194_303).reversed().first { kill(pid_t($0), 0) != 0 && errno == ESRCH })
        let stale = scratch.file("bastion-code-\(dead)-aB3xYz")
        try ScratchDirectory.makeDirectory(stale, mode: 0o700)
        try ScratchDirectory.makeDirectory(stale + "/c-1", mode: 0o700)
        let code = open(stale + "/c-1/run-2", O_WRONLY | O_CREAT | O_EXCL, 0o400)
        #expect(code >= 0)
        close(code)
        chmod(stale + "/c-1", 0o311)
        chmod(stale, 0o711)
        let live = scratch.file("bastion-code-\(getppid())-aB3xYz")
        try ScratchDirectory.makeDirectory(live, mode: 0o711)
        let other = scratch.file("bastion-code-12ab-aB3xYz")
        try ScratchDirectory.makeDirectory(other, mode: 0o700)
        let target = scratch.file("target")
        try ScratchDirectory.makeDirectory(target, mode: 0o700)
        let keep = open(target + "/keep", O_WRONLY | O_CREAT | O_EXCL, 0o600)
        close(keep)
        let link = scratch.file("bastion-code-\(dead)-linked")
        #expect(symlink(target, link) == 0)

        let codes = CodeDirectory(parent: scratch.path)
        let made = try #require(codes.path)
        defer { codes.removeIfEmpty() }
        #expect(access(stale, F_OK) != 0)
        #expect(access(live, F_OK) == 0 && access(other, F_OK) == 0)
        #expect(access(target + "/keep", F_OK) == 0)
        var info = stat()
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(made != stale)
    }

    @Test("Only bastion-code-<pid>-XXXXXX names a server's directory")
    func stalePidParsesOnlyServerNames() {
        #expect(CodeDirectory.stalePid("bastion-code-123-aB3xYz") == 123)
        #expect(CodeDirectory.stalePid("bastion-code-123-aB3xY") == nil)
        #expect(CodeDirectory.stalePid("bastion-code-test-123-aB3xYz") == nil)
        #expect(CodeDirectory.stalePid("bastion-code--aB3xYz") == nil)
        #expect(CodeDirectory.stalePid("bastion-code-0-aB3xYz") == nil)
        #expect(CodeDirectory.stalePid("bastion-code-99999999999-aB3xYz") == nil)
        #expect(CodeDirectory.stalePid("bastion-code-aB3xYz") == nil)
    }

    @Test("A parent others may write without the sticky bit holds no code directory")
    func anUnsafeParentIsRefused() throws {
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o777)
        let error = try #require(throws: ExecutionError.self) {
            try CodeDirectory(parent: scratch.path).clientDirectory("a")
        }
        #expect(error.message.contains("no sticky bit") && error.message.contains("chmod 1777"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
        chmod(scratch.path, 0o1777)
        let codes = CodeDirectory(parent: scratch.path)
        #expect(codes.path != nil)
        codes.removeIfEmpty()
    }

    /// Review 13, finding 1: seen from another pid namespace sharing /tmp, a live server's pid is
    /// gone; its shared lock on its directory is what keeps the sweep away.
    @Test("A directory a server holds locked stays, whatever its pid looks like from here")
    func aLockedDirectoryStays() throws {
        let scratch = try ScratchDirectory()
        let dead = try #require((4_000_000...4_194_303).reversed().first { kill(pid_t($0), 0) != 0 && errno == ESRCH })
        let other = scratch.file("bastion-code-\(dead)-aB3xYz")
        try ScratchDirectory.makeDirectory(other, mode: 0o711)
        let held = open(other, O_RDONLY | O_DIRECTORY)
        #expect(held >= 0 && flock(held, LOCK_SH) == 0)
        let first = CodeDirectory(parent: scratch.path)
        #expect(first.path != nil)
        #expect(access(other, F_OK) == 0)
        // A second server in the same place sees the first one's directory locked too.
        let own = try #require(first.path)
        let second = CodeDirectory(parent: scratch.path)
        #expect(second.path != nil && access(own, F_OK) == 0)
        close(held)
        second.removeIfEmpty()
        first.removeIfEmpty()
        #expect(CodeDirectory.removeStale(in: scratch.path) == ["bastion-code-\(dead)-aB3xYz"])
    }
}

import Foundation
import Testing

@testable import BastionResources

#if canImport(Glibc)
import Glibc
#endif

struct CodeDirectoryTests {
    // Each test's parent is a scratch directory (0700, ours), which ``CodeDirectory/unsafeParent(_:)`` passes.

    /// Review 9, finding 7: the code a child's interpreter reads lives where no child can replace it.
    @Test("Code files are 0400 in a 0311 directory of the client outside any workdir, each with a new name")
    func codeFilesAreTheServers() throws {
        let scratch = try ScratchDirectory()
        let codes = CodeDirectory(parent: scratch.path)
        let (first, firstPath) = try codes.write(Array("echo one\n".utf8), readableBy: nil, client: "a")
        let (second, secondPath) = try codes.write(Array("echo two\n".utf8), readableBy: nil, client: "a")
        defer {
            for (directory, path) in [(first, firstPath), (second, secondPath)] {
                _ = unlinkat(directory, String(path.split(separator: "/").last!), 0)
                close(directory)
            }
            codes.removeIfEmpty()
        }
        #expect(firstPath != secondPath)
        var info = stat()
        #expect(stat(firstPath, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o400)
        let directory = String(firstPath[..<firstPath.lastIndex(of: "/")!])
        #expect(secondPath.hasPrefix(directory + "/"))
        #expect(stat(directory, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o311)
        #expect(info.st_uid == geteuid())
        // The client's subdirectory, in the server's 0711 directory.
        let root = String(directory[..<directory.lastIndex(of: "/")!])
        #expect(root.hasPrefix(scratch.path + "/bastion-code-\(getpid())-"))
        #expect(stat(root, &info) == 0 && info.st_mode & 0o7777 == 0o711)
    }

    @Test("Each client has a subdirectory of its own, the same for all its runs")
    func eachClientHasItsOwnSubdirectory() throws {
        let scratch = try ScratchDirectory()
        let codes = CodeDirectory(parent: scratch.path)
        let first = try codes.clientDirectory("a").path
        #expect(try codes.clientDirectory("a").path == first)
        let other = try codes.clientDirectory("b").path
        #expect(other != first)
        let (directory, path) = try codes.write(Array("x".utf8), readableBy: nil, client: "b")
        #expect(path.hasPrefix(other + "/run-"))
        _ = unlinkat(directory, String(path.split(separator: "/").last!), 0)
        close(directory)
        codes.removeIfEmpty()
        #expect(access(first, F_OK) != 0 && access(other, F_OK) != 0)
    }

    @Test("Another user gets read access through the file's ACL, and nothing more")
    func theRunAsUserMayRead() throws {
        let scratch = try ScratchDirectory()
        let codes = CodeDirectory(parent: scratch.path)
        let (directory, path) = try codes.write(Array("print(1)\n".utf8), readableBy: 65_534, client: "a")
        defer {
            _ = unlinkat(directory, String(path.split(separator: "/").last!), 0)
            close(directory)
            codes.removeIfEmpty()
        }
        let acl = try #require(try PosixACL.read(path: path, .access))
        #expect(acl.entries.contains { $0.tag == .user && $0.id == 65_534 && $0.permissions == 4 })
        #expect(acl.permissions(of: .other) == 0)
    }

    @Test("The directory is removed at shutdown once empty")
    func removedWhenEmpty() throws {
        let scratch = try ScratchDirectory()
        let codes = CodeDirectory(parent: scratch.path)
        let (directory, path) = try codes.write(Array("x".utf8), readableBy: nil, client: "a")
        let parent = String(path[..<path.lastIndex(of: "/")!])
        codes.removeIfEmpty()
        #expect(access(parent, F_OK) == 0)
        _ = unlinkat(directory, String(path.split(separator: "/").last!), 0)
        close(directory)
        codes.removeIfEmpty()
        #expect(access(parent, F_OK) != 0)
        #expect(access(String(parent[..<parent.lastIndex(of: "/")!]), F_OK) != 0)
    }

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
}

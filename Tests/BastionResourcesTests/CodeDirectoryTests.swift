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
}

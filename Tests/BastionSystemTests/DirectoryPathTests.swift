import CBastionLinux
import Foundation
import Testing

@testable import BastionSystem

struct DirectoryPathTests {
    private func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "bastion-dirpath-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    @Test func missingParentsAreCreatedWithTheMode() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try DirectoryPath.create(root + "/a//b/c/", mode: 0o700)
        var info = stat()
        #expect(stat(root + "/a/b/c", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        try DirectoryPath.create(root + "/a/b/c")  // existing: nothing to do
    }

    @Test func aComponentStartingWithACombiningMarkStaysItsOwn() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try DirectoryPath.create(root + "/w/\u{301}x")
        #expect(FileManager.default.fileExists(atPath: root + "/w/\u{301}x"))
    }

    @Test func aFileInTheWayIsNamed() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(FileManager.default.createFile(atPath: root + "/file", contents: Data()))
        let failure = #expect(throws: DirectoryPath.Failure.self) { try DirectoryPath.create(root + "/file/sub") }
        #expect(failure?.path == root + "/file/sub")
        #expect(failure?.errno == ENOTDIR)
    }

    /// CI ran on a host whose /tmp had a default ACL (`user:nobody:rwx`): the audit log's
    /// directories, made "private", passed that entry on to everything made in them.
    @Test func aDirectoryMadeUnderADefaultACLInheritsNone() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var bytes: [UInt8] = [2, 0, 0, 0]
        // user::rwx, user:65534:rwx, group::---, mask::rwx, other::--- (tag, permissions, id).
        for (tag, permissions, id) in [
            (0x01, 7, UInt32.max), (0x02, 7, 65_534), (0x04, 0, .max), (0x10, 7, .max), (0x20, 0, .max),
        ] {
            bytes += [UInt8(tag), 0, UInt8(permissions), 0]
            bytes += withUnsafeBytes(of: UInt32(id).littleEndian, Array.init)
        }
        let descriptor = open(root, O_RDONLY | O_DIRECTORY)
        defer { close(descriptor) }
        guard cbastion_acl_set_fd(descriptor, 1, bytes, bytes.count) == 0 else {
            #expect(errno == EOPNOTSUPP)  // a file system without ACLs: nothing to inherit
            return
        }
        try DirectoryPath.create(root + "/a/b", mode: 0o711)
        for path in [root + "/a", root + "/a/b"] {
            let made = open(path, O_RDONLY | O_DIRECTORY)
            defer { close(made) }
            #expect(cbastion_acl_get_fd(made, 0, nil, 0) < 0 && errno == ENODATA)
            #expect(cbastion_acl_get_fd(made, 1, nil, 0) < 0 && errno == ENODATA)
            var info = stat()
            #expect(fstat(made, &info) == 0 && info.st_mode & 0o7777 == 0o711)
        }
    }
}

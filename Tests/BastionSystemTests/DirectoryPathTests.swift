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
}

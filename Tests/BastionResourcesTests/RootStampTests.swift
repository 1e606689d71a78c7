import Foundation
import Testing

@testable import BastionResources

struct RootStampTests {
    private static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "bastion-stamp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/dir", withIntermediateDirectories: true)
        try "one".write(toFile: path + "/file", atomically: false, encoding: .utf8)
        return path
    }

    private static func policy(_ root: String) -> SandboxPolicy {
        SandboxPolicy(
            executable: "/usr/bin/true",
            arguments: ["true"],
            workingDirectory: root,
            readPaths: ["/usr", root + "/file", root + "/missing"],
            writePaths: [root + "/dir"]
        )
    }

    @Test func writingInPlaceOrBelowADirectoryKeepsTheStamp() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = RootStamp(Self.policy(root))
        let handle = try #require(FileHandle(forWritingAtPath: root + "/file"))
        handle.write(Data("two".utf8))
        try handle.close()
        try "x".write(toFile: root + "/dir/new", atomically: false, encoding: .utf8)
        #expect(RootStamp(Self.policy(root)) == before)
    }

    /// Review 11, finding 2: a prepared sandbox holds the inodes of park time.
    @Test func aFileReplacedByRenameChangesTheStamp() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = RootStamp(Self.policy(root))
        try "two".write(toFile: root + "/file.new", atomically: false, encoding: .utf8)
        #expect(rename(root + "/file.new", root + "/file") == 0)
        #expect(RootStamp(Self.policy(root)) != before)
    }

    @Test func aPathMadeOrReplacedChangesTheStamp() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = RootStamp(Self.policy(root))
        try "now".write(toFile: root + "/missing", atomically: false, encoding: .utf8)
        #expect(RootStamp(Self.policy(root)) != before)
        let made = RootStamp(Self.policy(root))
        try FileManager.default.removeItem(atPath: root + "/dir")
        try FileManager.default.createDirectory(atPath: root + "/dir", withIntermediateDirectories: false)
        #expect(RootStamp(Self.policy(root)) != made)
    }
}

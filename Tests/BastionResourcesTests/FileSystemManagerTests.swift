import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct FileSystemManagerTests {
    @Test func aRelativePathIsAuthorizedBeneathTheWorkdir() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("hello\n", to: fixture.workdir + "/notes.txt")
        let target = try fixture.manager.authorize("notes.txt", for: .read, client: fixture.client)
        #expect(target.path == fixture.workdir + "/notes.txt")
        #expect(target.root == fixture.workdir)
        #expect(try fixture.manager.readFile(target, maxBytes: 100) == Array("hello\n".utf8))
    }

    @Test(arguments: [
        "../outside/secret.txt", "/etc/passwd", "~/../outside/secret.txt", "/proc/self/root/etc/passwd",
    ])
    func pathsOutsideTheGrantsAreDeniedNamingThePermission(path: String) throws {
        let fixture = try FileSystemFixture()
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize(path, for: .read, client: fixture.client)
        }
        #expect(error?.kind == .denied)
        #expect(error?.message.contains("file_read") == true, "\(String(describing: error))")
        #expect(error?.message.contains("top secret") == false)
        #expect(error?.denial?.permission.hasPrefix("file_read") == true)
        #expect(error?.denial?.target.hasPrefix("/") == true, "the canonical path, not \(path)")
        #expect(error?.denial?.target.contains("..") == false)
    }

    @Test func aDenialNamesTheCanonicalPathAndTheRule() throws {
        let fixture = try FileSystemFixture(deny: ["**/.env"])
        try fixture.write("KEY=1", to: fixture.workdir + "/.env")
        let denied = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize("./.env", for: .read, client: fixture.client)
        }
        #expect(
            denied?.denial
                == PermissionDenial(
                    permission: "file_read",
                    target: fixture.workdir + "/.env",
                    rule: .denyRule,
                    pattern: "**/.env"
                )
        )
        let protected = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize(".bashrc", for: .write, client: fixture.client)
        }
        #expect(protected?.denial?.rule == .protected)
        #expect(protected?.denial?.target == fixture.workdir + "/.bashrc")
        #expect(protected?.denial?.permission == "file_write")
        let invalid = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize("a\u{0}b", for: .read, client: fixture.client)
        }
        #expect(invalid?.denial?.rule == .invalidPath)
    }

    @Test func aPathOutsideTheRootsIsAnOutsideScopeDenial() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("b", to: fixture.workdir + "/other/b.txt")
        fixture.client.setOfferedRoots([fixture.workdir + "/project"])
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize("other/b.txt", for: .read, client: fixture.client)
        }
        #expect(error?.denial == PermissionDenial(.read, target: fixture.workdir + "/other/b.txt", rule: .outsideScope))
    }

    @Test func aPrefixLookalikeDirectoryIsNotInside() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("evil", to: fixture.workdir + "-evil/x.txt")
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize(fixture.workdir + "-evil/x.txt", for: .read, client: fixture.client)
        }
        #expect(error?.kind == .denied)
    }

    @Test func aSymlinkPointingOutIsCheckedAtItsTarget() throws {
        let fixture = try FileSystemFixture()
        try fixture.symlink(fixture.workdir + "/escape", to: fixture.outside + "/secret.txt")
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize("escape", for: .read, client: fixture.client)
        }
        #expect(error?.kind == .denied)
        #expect(error?.message.contains(fixture.outside + "/secret.txt") == true)
    }

    @Test func aSymlinkSwappedInAfterTheCheckIsRefusedAtTheOpen() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("mine", to: fixture.workdir + "/dir/file.txt")
        let target = try fixture.manager.authorize("dir/file.txt", for: .read, client: fixture.client)
        // The attacker's move, between the check and the use.
        try FileManager.default.removeItem(atPath: fixture.workdir + "/dir")
        try fixture.symlink(fixture.workdir + "/dir", to: fixture.outside)
        try fixture.write("top secret\n", to: fixture.outside + "/file.txt")
        let error = fileSystemError { () throws(FileSystemError) in try fixture.manager.readFile(target, maxBytes: 100)
        }
        #expect(error?.kind == .confinement)
    }

    @Test func aHardLinkedFileIsRefused() throws {
        let fixture = try FileSystemFixture()
        #expect(link(fixture.outside + "/secret.txt", fixture.workdir + "/hard.txt") == 0)
        let target = try fixture.manager.authorize("hard.txt", for: .read, client: fixture.client)
        let error = fileSystemError { () throws(FileSystemError) in try fixture.manager.readFile(target, maxBytes: 100)
        }
        #expect(error?.kind == .confinement)
        #expect(error?.message.contains("2 hard links") == true)
    }

    @Test func directoriesAndFIFOsAreNotReadAsFiles() throws {
        let fixture = try FileSystemFixture()
        #expect(mkfifo(fixture.workdir + "/pipe", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: fixture.workdir + "/d", withIntermediateDirectories: false)
        for name in ["pipe", "d"] {
            let target = try fixture.manager.authorize(name, for: .read, client: fixture.client)
            let error = fileSystemError { () throws(FileSystemError) in
                try fixture.manager.readFile(target, maxBytes: 10)
            }
            #expect(error?.kind == .invalid, "\(name)")
        }
    }

    @Test func aFileOverTheReadLimitIsRefusedSayingSo() throws {
        let fixture = try FileSystemFixture()
        try fixture.write(String(repeating: "x", count: 100), to: fixture.workdir + "/big.txt")
        let target = try fixture.manager.authorize("big.txt", for: .read, client: fixture.client)
        let error = fileSystemError { () throws(FileSystemError) in try fixture.manager.readFile(target, maxBytes: 99) }
        #expect(error?.kind == .limit)
        #expect(error?.message.contains("head or tail") == true)
    }

    @Test func denyRulesOverrideTheGrant() throws {
        let fixture = try FileSystemFixture(deny: ["**/.env"])
        try fixture.write("KEY=1", to: fixture.workdir + "/.env")
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize(".env", for: .read, client: fixture.client)
        }
        #expect(error?.message.contains("deny rule") == true)
    }

    @Test func mcpRootsNarrowTheScope() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("a", to: fixture.workdir + "/project/a.txt")
        try fixture.write("b", to: fixture.workdir + "/other/b.txt")
        fixture.client.setOfferedRoots([fixture.workdir + "/project"])
        #expect(fixture.manager.scope(of: fixture.client).readRoots == [fixture.workdir + "/project"])
        #expect(throws: Never.self) {
            try fixture.manager.authorize("project/a.txt", for: .read, client: fixture.client)
        }
        let error = fileSystemError { () throws(FileSystemError) in
            try fixture.manager.authorize("other/b.txt", for: .read, client: fixture.client)
        }
        #expect(error?.message.contains("outside the allowed directories") == true)
    }

    @Test func theLinkItselfIsAuthorizedWhenNotFollowing() throws {
        let fixture = try FileSystemFixture()
        try fixture.symlink(fixture.workdir + "/link", to: fixture.outside + "/secret.txt")
        let target = try fixture.manager.authorize(
            "link",
            for: .write,
            client: fixture.client,
            followingLastLink: false
        )
        #expect(target.path == fixture.workdir + "/link")
        let (info, _) = try fixture.manager.status(target)
        #expect(info.st_mode & S_IFMT == S_IFLNK)
    }

    @Test func splitLastKeepsTheLastRealName() {
        #expect(FileSystemManager.splitLast("a/b/c") ?? ("", "") == ("a/b", "c"))
        #expect(FileSystemManager.splitLast("/c") ?? ("", "") == ("/", "c"))
        #expect(FileSystemManager.splitLast("c/") ?? ("", "") == (".", "c"))
        #expect(FileSystemManager.splitLast("a/..") == nil)
        #expect(FileSystemManager.splitLast("~") == nil)
    }
}

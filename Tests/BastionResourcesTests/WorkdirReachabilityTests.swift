import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct WorkdirReachabilityTests {
    private let nobody = SystemUser(name: "nobody", uid: 65534, gid: 65534, groups: [65534])

    @Test func aPrivateAncestorIsNamedWithItsMode() throws {
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o711)
        try ScratchDirectory.makeDirectory(scratch.file("locked"), mode: 0o700)
        try ScratchDirectory.makeDirectory(scratch.file("locked/work"), mode: 0o700)
        let blocked = try #require(WorkdirReachability.firstBlockedAncestor(of: scratch.file("locked/work"), for: nobody))
        #expect(blocked.path == scratch.file("locked"))
        #expect(blocked.reason.contains("0700"))
    }

    @Test func searchableAncestorsReachTheWorkdir() throws {
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o711)
        try ScratchDirectory.makeDirectory(scratch.file("open"), mode: 0o711)
        try ScratchDirectory.makeDirectory(scratch.file("open/work"), mode: 0o700)
        #expect(WorkdirReachability.firstBlockedAncestor(of: scratch.file("open/work"), for: nobody) == nil)
    }

    @Test func anAclGrantingSearchMakesAPrivateAncestorReachable() throws {
        let scratch = try ScratchDirectory()
        chmod(scratch.path, 0o711)
        try ScratchDirectory.makeDirectory(scratch.file("acl"), mode: 0o700)
        let directory = open(scratch.file("acl"), O_RDONLY | O_DIRECTORY)
        defer { close(directory) }
        do {
            try PosixACL.sharedWorkdir(uid: nobody.uid).write(descriptor: directory, .access)
        } catch {
            guard error.errno == EOPNOTSUPP else { throw error }
            return
        }
        #expect(WorkdirReachability.firstBlockedAncestor(of: scratch.file("acl/work"), for: nobody) == nil)
        let other = SystemUser(name: "other", uid: 4242, gid: 4242, groups: [4242])
        #expect(WorkdirReachability.firstBlockedAncestor(of: scratch.file("acl/work"), for: other)?.path
            == scratch.file("acl"))
    }
}

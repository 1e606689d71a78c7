import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct PosixACLTests {
    @Test func theSharedWorkdirListEncodesAsTheKernelExpects() {
        let bytes = PosixACL.sharedWorkdir(uid: 65534).encoded()
        let undefined: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        var expected: [UInt8] = [2, 0, 0, 0]  // version 2
        expected += [1, 0, 7, 0] + undefined  // USER_OBJ rwx
        expected += [2, 0, 7, 0, 0xFE, 0xFF, 0, 0]  // USER 65534 rwx
        expected += [4, 0, 0, 0] + undefined  // GROUP_OBJ ---
        expected += [0x10, 0, 7, 0] + undefined  // MASK rwx
        expected += [0x20, 0, 0, 0] + undefined  // OTHER ---
        #expect(bytes == expected)
        #expect(PosixACL(decoding: bytes) == PosixACL.sharedWorkdir(uid: 65534))
    }

    @Test func entriesAreKeptInTheKernelsOrder() {
        let entries: [PosixACL.Entry] = [
            PosixACL.Entry(.other, 0), PosixACL.Entry(.user, 5, id: 9), PosixACL.Entry(.userObject, 7),
            PosixACL.Entry(.user, 4, id: 3),
        ]
        let list = PosixACL(entries)
        #expect(list.entries.map(\.tag) == [.userObject, .user, .user, .other])
        #expect(list.entries.filter { $0.tag == .user }.map(\.id) == [3, 9])
    }

    static let malformed: [[UInt8]] = [
        [], [2, 0, 0], [3, 0, 0, 0], [2, 0, 0, 0, 1, 0, 7, 0, 0, 0, 0],
        [2, 0, 0, 0, 0x40, 0, 7, 0, 0, 0, 0, 0], [2, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0],
    ]

    @Test(arguments: Self.malformed)
    func malformedBytesAreRefused(bytes: [UInt8]) {
        #expect(PosixACL(decoding: bytes) == nil)
    }

    @Test func permissionsFollowThePosixAlgorithm() {
        let user = SystemUser(name: "u", uid: 1000, gid: 100, groups: [100])
        let shared = PosixACL.sharedWorkdir(uid: 1000)
        #expect(shared.permits(7, user: user, owner: 0, group: 0))
        // The mask limits a named user; the owner entry is not masked.
        var masked = shared
        masked.entries[3].permissions = 1
        #expect(masked.permits(1, user: user, owner: 0, group: 0))
        #expect(!masked.permits(2, user: user, owner: 0, group: 0))
        // Another user falls to the group entries, then to other.
        let stranger = SystemUser(name: "s", uid: 2000, gid: 200, groups: [200])
        #expect(!shared.permits(1, user: stranger, owner: 0, group: 0))
        let entries: [PosixACL.Entry] = [
            PosixACL.Entry(.userObject, 7), PosixACL.Entry(.groupObject, 0), PosixACL.Entry(.group, 1, id: 200),
            PosixACL.Entry(.mask, 7), PosixACL.Entry(.other, 7),
        ]
        let groupOnly = PosixACL(entries)
        #expect(groupOnly.permits(1, user: stranger, owner: 0, group: 0))
        // A matching group entry without the right denies, even when other would grant it.
        #expect(!groupOnly.permits(4, user: stranger, owner: 0, group: 0))
    }

    @Test func aDirectoryGetsTheListAndFilesCreatedInsideTheOwnersRights() throws {
        let scratch = try ScratchDirectory()
        let directory = open(scratch.path, O_RDONLY | O_DIRECTORY)
        defer { close(directory) }
        let list = PosixACL.sharedWorkdir(uid: 65534)
        do {
            try list.write(descriptor: directory, .access)
            try list.write(descriptor: directory, .default)
        } catch {
            guard error.errno == EOPNOTSUPP else { throw error }
            return  // no ACLs on this file system
        }
        #expect(try PosixACL.read(path: scratch.path, .access) == list)
        #expect(try PosixACL.read(descriptor: directory, .default) == list)
        #expect(ScratchDirectory.mode(of: scratch.path) == 0o770)
        // A file made 0600 inherits the named entry, masked to nothing, until it is extended.
        let file = openat(directory, "f", O_WRONLY | O_CREAT | O_EXCL, 0o600)
        defer { close(file) }
        let inherited = try #require(try PosixACL.read(descriptor: file, .access))
        #expect(inherited.permissions(of: .mask) == 0)
        try PosixACL.extendInheritedEntries(descriptor: file)
        let extended = try #require(try PosixACL.read(descriptor: file, .access))
        #expect(extended.permissions(of: .mask) == 6)
        #expect(extended.permissions(of: .user, id: 65534) == 7)
        #expect(extended.permits(6, user: SystemUser(name: "n", uid: 65534, gid: 65534), owner: 0, group: 0))
        #expect(!extended.permits(1, user: SystemUser(name: "n", uid: 65534, gid: 65534), owner: 0, group: 0))
    }

    @Test func aFileWithoutAnAclIsLeftAlone() throws {
        let scratch = try ScratchDirectory()
        let file = open(scratch.file("plain"), O_WRONLY | O_CREAT | O_EXCL, 0o600)
        defer { close(file) }
        try PosixACL.extendInheritedEntries(descriptor: file)
        #expect(try PosixACL.read(descriptor: file, .access) == nil)
        #expect(ScratchDirectory.mode(of: scratch.file("plain")) == 0o600)
    }
}

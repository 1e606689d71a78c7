import Foundation
import Testing

@testable import BastionSecurity

struct SystemUserTests {
    @Test func rootResolvesByNameAndByUid() throws {
        let byName = try #require(SystemUser.resolve("root"))
        #expect(byName.uid == 0 && byName.gid == 0 && byName.name == "root")
        #expect(byName.groups.contains(0))
        #expect(SystemUser.resolve("0") == byName)
        #expect(SystemUser.resolve(uid: 0) == byName)
    }

    @Test func nobodyResolvesWithItsPrimaryGroup() throws {
        let nobody = try #require(SystemUser.resolve("nobody"))
        #expect(nobody.uid != 0)
        #expect(nobody.groups.contains(nobody.gid))
        #expect(SystemUser.resolve(String(nobody.uid))?.uid == nobody.uid)
    }

    @Test(arguments: ["", "no-such-user-anywhere", "4294967294", "a\0b", String(repeating: "x", count: 300)])
    func unknownOrMalformedNamesResolveToNothing(name: String) {
        #expect(SystemUser.resolve(name) == nil)
    }

    @Test func modeBitsAreDecidedByOwnerThenGroupThenOther() {
        let user = SystemUser(name: "u", uid: 1000, gid: 100, groups: [100, 27])
        // Owner class: 0o711 lets the owner do everything, the owner's 0o0xx bits do not count.
        #expect(user.isPermitted(0o3, mode: 0o700, owner: 1000, group: 0))
        #expect(!user.isPermitted(0o1, mode: 0o077, owner: 1000, group: 100))
        // Group class, supplementary groups included; others' bits then do not count.
        #expect(user.isPermitted(0o1, mode: 0o710, owner: 0, group: 27))
        #expect(!user.isPermitted(0o1, mode: 0o701, owner: 0, group: 100))
        // Other class.
        #expect(user.isPermitted(0o1, mode: 0o711, owner: 0, group: 0))
        #expect(!user.isPermitted(0o1, mode: 0o700, owner: 0, group: 0))
        #expect(!user.isPermitted(0o3, mode: 0o755, owner: 0, group: 0))
    }

    @Test func uidZeroGetsNoOverrideSinceChildrenHoldNoCapabilities() {
        let root = SystemUser(name: "root", uid: 0, gid: 0, groups: [0])
        #expect(!root.isPermitted(0o2, mode: 0o755, owner: 65534, group: 65534))
    }
}

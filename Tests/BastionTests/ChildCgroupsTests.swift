import Testing

@testable import Bastion
@testable import BastionResources

struct ChildCgroupsTests {
    @Test func startsEmptyThenHoldsWhatWasSetUntilReplaced() {
        let cgroups = ChildCgroups()
        #expect(cgroups.current == nil)
        let manager = CgroupManager(version: 1, hierarchies: [])
        cgroups.set(manager)
        #expect(cgroups.current === manager)
        cgroups.set(nil)
        #expect(cgroups.current == nil)
    }
}

import Testing

@testable import BastionSecurity

struct PermissionAccessTests {
    @Test func eachAccessNamesItsVerb() {
        #expect(PermissionManager.Access.read.verb == "reading")
        #expect(PermissionManager.Access.write.verb == "writing")
        #expect(PermissionManager.Access.execute(command: "git").verb == #"running "git" from"#)
    }

    @Test func accessesCompareByKindAndCommand() {
        #expect(PermissionManager.Access.execute(command: "git") == .execute(command: "git"))
        #expect(PermissionManager.Access.execute(command: "git") != .execute(command: "/usr/bin/git"))
        #expect(PermissionManager.Access.read != .write)
    }
}

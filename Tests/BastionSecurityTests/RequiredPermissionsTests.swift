import Testing

@testable import BastionSecurity

struct RequiredPermissionsTests {
    @Test func publicAndUndeclaredAreDistinct() {
        #expect(RequiredPermissions.public.isPublic)
        #expect(RequiredPermissions.public.isDeclared)
        #expect(!RequiredPermissions.undeclared.isDeclared)
        #expect(RequiredPermissions.public != .undeclared)
        #expect(RequiredPermissions.public.description == "public")
        #expect(RequiredPermissions.undeclared.description == "undeclared")
    }

    @Test func anEmptyListDeclaresNothing() {
        let empty: RequiredPermissions = []
        #expect(empty == .undeclared)
        #expect(RequiredPermissions([]) == .undeclared)
        #expect(RequiredPermissions.checkedPerCall() == .undeclared)
    }

    @Test func aListKeepsItsPermissionsInOrder() {
        let required: RequiredPermissions = [.fileRead(glob: "**/.git/**"), .systemCommand(pattern: "git")]
        #expect(required.isDeclared && !required.isPublic)
        #expect(required.permissions == [.fileRead(glob: "**/.git/**"), .systemCommand(pattern: "git")])
        #expect(required.perCallKinds.isEmpty)
        #expect(required.description == "file_read:**/.git/**, system_command:git")
    }

    @Test func kindsCheckedPerCallAreKept() {
        let required = RequiredPermissions.checkedPerCall(.fileRead, .custom("git.push"))
        #expect(required.perCallKinds == [.fileRead, .custom("git.push")])
        #expect(required.permissions.isEmpty)
        #expect(required.description == "file_read (per call), custom:git.push (per call)")
    }

    @Test func customNamesComeFromBothParts() {
        #expect(RequiredPermissions([.custom(name: "a"), .fileRead(glob: nil)]).customNames == ["a"])
        #expect(RequiredPermissions.checkedPerCall(.custom("b")).customNames == ["b"])
        #expect(RequiredPermissions.public.customNames.isEmpty)
    }

    @Test func kindsOfWhichAnyOneSufficesAreKeptAndDescribed() {
        let required = RequiredPermissions.checkedPerCall(anyOf: [.systemCommand, .codeExecution])
        #expect(required.isDeclared && required.perCallKinds.isEmpty)
        #expect(required.alternativeKinds == [.systemCommand, .codeExecution])
        #expect(required.description == "system_command or code_execution (per call)")
        #expect(RequiredPermissions.checkedPerCall(anyOf: []) == .undeclared)
    }
}

import Testing

@testable import BastionSecurity

struct PermissionDecisionTests {
    @Test func allowIsAllowedAndHasNoReason() {
        let decision = PermissionDecision.allow
        #expect(decision.isAllowed)
        #expect(decision.reason(action: "tool \"echo\"") == nil)
    }

    @Test func denyIsNotAllowed() {
        #expect(!PermissionDecision.deny(missing: .codeExecutionSudo).isAllowed)
    }

    @Test(arguments: [
        (Permission.fileWrite(glob: nil), "file_write"),
        (.fileRead(glob: "/srv/**"), "file_read:/srv/**"),
        (.systemCommand(pattern: "git"), "system_command:git"),
        (.custom(name: "git.push"), "custom:git.push"),
        (.codeExecution(unrestricted: true), "code_execution:unrestricted"),
    ])
    func denialReasonNamesTheActionAndTheMissingPermission(missing: Permission, spelling: String) throws {
        let reason = try #require(PermissionDecision.deny(missing: missing).reason(action: "tool \"write_file\""))
        #expect(reason.contains("tool \"write_file\""))
        #expect(reason.contains("\"\(spelling)\""))
        #expect(reason.hasPrefix("Permission denied"))
    }

    @Test func decisionsCompareByTheirMissingPermission() {
        #expect(PermissionDecision.allow == .allow)
        #expect(PermissionDecision.deny(missing: .fileRead(glob: nil)) == .deny(missing: .fileRead(glob: nil)))
        #expect(PermissionDecision.deny(missing: .fileRead(glob: nil)) != .deny(missing: .fileWrite(glob: nil)))
        #expect(PermissionDecision.allow != .deny(missing: .fileRead(glob: nil)))
    }
}

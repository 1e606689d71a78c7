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

    @Test(arguments: [
        (
            PermissionDecision.missing(.fileRead(glob: "/etc/shadow"), target: "/etc/shadow"),
            "\"file_read:/etc/shadow\""
        ),
        (.denyRule("**/.env", target: "/srv/.env"), "deny rule \"**/.env\""),
        (.protected("**/.bashrc", target: "/home/a/.bashrc"), "protected"),
        (.readOnly(target: "/w/a"), "read_only"),
        (.invalidPath("/w/a\nb", problem: "too long"), "too long"),
    ])
    func callLevelDenialsNameTheRuleAndTheTarget(decision: PermissionDecision, rule: String) throws {
        #expect(!decision.isAllowed)
        let reason = try #require(decision.reason(action: "writing"))
        #expect(reason.hasPrefix("Permission denied: writing \""))
        #expect(reason.contains(rule))
        #expect(!reason.contains("\n"))
    }

    @Test(arguments: [
        (PermissionDecision.missingKind(.fileWrite), "\"file_write\""),
        (.undeclared, "declares no permissions"),
        (.readOnlyTool, "read_only"),
        (.deny(missing: .systemCommand(pattern: "git")), "\"system_command:git\""),
    ])
    func toolLevelDenialsSayWhy(decision: PermissionDecision, words: String) throws {
        #expect(!decision.isAllowed)
        let reason = try #require(decision.reason(action: "tool \"x\""))
        #expect(reason.hasPrefix("Permission denied: tool \"x\""))
        #expect(reason.contains(words))
    }

    @Test func theMissingPermissionIsNamedForTheAudit() {
        #expect(
            PermissionDecision.deny(missing: .systemCommand(pattern: "git")).missingPermission == "system_command:git"
        )
        #expect(PermissionDecision.missingKind(.fileRead).missingPermission == "file_read")
        #expect(PermissionDecision.missing(.fileWrite(glob: nil), target: "/w").missingPermission == "file_write")
        #expect(PermissionDecision.undeclared.missingPermission == nil)
        #expect(PermissionDecision.allow.missingPermission == nil)
    }

    @Test func longTargetsAreShortenedInReasons() throws {
        let long = "/" + String(repeating: "x", count: 5000)
        let reason = try #require(PermissionDecision.readOnly(target: long).reason(action: "writing"))
        #expect(reason.count < 1000)
    }
}

import BastionProtocol
import Testing

@testable import BastionSecurity

struct PermissionDenialTests {
    @Test func aMissingGrantNamesTheMissingPermission() throws {
        let decision = PermissionDecision.missing(.fileRead(glob: "/etc/shadow"), target: "/etc/shadow")
        let denial = try #require(PermissionDenial(decision, access: .read))
        #expect(
            denial == PermissionDenial(permission: "file_read:/etc/shadow", target: "/etc/shadow", rule: .missingGrant)
        )
    }

    @Test(arguments: [
        (
            PermissionDecision.denyRule("**/.env", target: "/w/.env"), PermissionDenial.Rule.denyRule,
            "**/.env" as String?
        ),
        (.protected("**/.bashrc", target: "/w/.env"), .protected, "**/.bashrc"),
        (.readOnly(target: "/w/.env"), .readOnly, nil),
        (.invalidPath("/w/.env", problem: "too long"), .invalidPath, nil),
    ])
    func otherRefusalsNameTheAccessPermissionAndTheRule(
        decision: PermissionDecision,
        rule: PermissionDenial.Rule,
        pattern: String?
    ) throws {
        let denial = try #require(PermissionDenial(decision, access: .write))
        #expect(denial.permission == "file_write")
        #expect(denial.target == "/w/.env")
        #expect(denial.rule == rule)
        #expect(denial.pattern == pattern)
    }

    @Test func anAllowOrAToolLevelDenialIsNoPathDenial() {
        #expect(PermissionDenial(.allow, access: .read) == nil)
        #expect(PermissionDenial(.deny(missing: .fileWrite(glob: nil)), access: .write) == nil)
    }

    @Test func anExecutionNamesTheCommandPattern() {
        let denial = PermissionDenial(.execute(command: "git*"), target: "/usr/bin/git", rule: .outsideScope)
        #expect(denial.permission == "system_command:git\\*")
    }

    @Test func theAuditFieldsSayDenyWithPermissionPathAndRule() {
        let denial = PermissionDenial(
            permission: "file_write",
            target: "/w/.bashrc",
            rule: .protected,
            pattern: "**/.bashrc"
        )
        #expect(
            denial.auditFields == [
                "decision": "deny", "permission": "file_write", "path": "/w/.bashrc", "rule": "protected",
                "rule_pattern": "**/.bashrc",
            ]
        )
        let plain = PermissionDenial(.read, target: "/srv", rule: .outsideScope)
        #expect(plain.auditFields["rule_pattern"] == nil)
        #expect(plain.auditFields["rule"] == "outside-scope")
    }
}

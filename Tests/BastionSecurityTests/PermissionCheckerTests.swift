import Testing

@testable import BastionSecurity

struct PermissionCheckerTests {
    static let workdir = "/nonexistent-w/ana"
    static let home = "/nonexistent-h/ana"

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var required: RequiredPermissions
        var granted: [String]
        var expected: PermissionDecision
        var testDescription: String { label }
    }

    static func rules(_ granted: [String], readOnly: Bool = false) throws -> PermissionManager.ClientRules {
        PermissionManager.ClientRules(
            permissions: try granted.map { try Permission(parsing: $0) },
            isReadOnly: readOnly,
            workdir: workdir,
            home: home
        )
    }

    static let cases: [Case] = [
        Case(label: "public needs nothing", required: .public, granted: [], expected: .allow),
        Case(label: "undeclared is refused", required: .undeclared, granted: ["file_read"], expected: .undeclared),
        Case(label: "an empty list is undeclared", required: [], granted: ["file_read"], expected: .undeclared),
        Case(
            label: "nothing granted",
            required: [.fileRead(glob: nil)],
            granted: [],
            expected: .deny(missing: .fileRead(glob: nil))
        ),
        // system_command: the pattern must cover the command, not just the kind.
        Case(
            label: "system_command:ls does not cover git",
            required: [.systemCommand(pattern: "git")],
            granted: ["system_command:ls"],
            expected: .deny(missing: .systemCommand(pattern: "git"))
        ),
        Case(
            label: "system_command:git covers git",
            required: [.systemCommand(pattern: "git")],
            granted: ["system_command:ls", "system_command:git"],
            expected: .allow
        ),
        Case(
            label: "a name pattern covers the names it matches",
            required: [.systemCommand(pattern: "git")],
            granted: ["system_command:g*"],
            expected: .allow
        ),
        Case(
            label: "a narrower grant does not cover a wider requirement",
            required: [.systemCommand(pattern: "g*")],
            granted: ["system_command:git"],
            expected: .deny(missing: .systemCommand(pattern: "g*"))
        ),
        Case(
            label: "a name grant does not cover a path requirement",
            required: [.systemCommand(pattern: "/usr/bin/git")],
            granted: ["system_command:git"],
            expected: .deny(missing: .systemCommand(pattern: "/usr/bin/git"))
        ),
        Case(
            label: "a path grant does not cover a bare name",
            required: [.systemCommand(pattern: "git")],
            granted: ["system_command:/usr/bin/*"],
            expected: .deny(missing: .systemCommand(pattern: "git"))
        ),
        Case(
            label: "a path glob covers the paths it matches",
            required: [.systemCommand(pattern: "/usr/bin/git")],
            granted: ["system_command:/usr/bin/*"],
            expected: .allow
        ),
        // file_read: globs as a grant of this client would mean them.
        Case(
            label: "file_read covers a glob inside the workdir",
            required: [.fileRead(glob: "**/.git/**"), .fileRead(glob: "src/*.swift")],
            granted: ["file_read"],
            expected: .allow
        ),
        Case(
            label: "a grant elsewhere does not cover the workdir",
            required: [.fileRead(glob: nil)],
            granted: ["file_read:/srv/**"],
            expected: .deny(missing: .fileRead(glob: nil))
        ),
        Case(
            label: "a part of the workdir does not cover all of it",
            required: [.fileRead(glob: nil)],
            granted: ["file_read:src/**"],
            expected: .deny(missing: .fileRead(glob: nil))
        ),
        Case(
            label: "a glob covers a narrower one",
            required: [.fileRead(glob: "/srv/web/logs/*.log")],
            granted: ["file_read:/srv/*/logs/**"],
            expected: .allow
        ),
        Case(
            label: "a home glob is expanded on both sides",
            required: [.fileRead(glob: "~/projects/a/**")],
            granted: ["file_read:" + home + "/projects/**"],
            expected: .allow
        ),
        Case(
            label: "write does not cover read",
            required: [.fileRead(glob: nil)],
            granted: ["file_write"],
            expected: .deny(missing: .fileRead(glob: nil))
        ),
        Case(
            label: "a global write covering the workdir covers file_write",
            required: [.fileWrite(glob: nil)],
            granted: ["file_write_global:/nonexistent-w/**"],
            expected: .allow
        ),
        Case(
            label: "write does not cover global write",
            required: [.fileWriteGlobal(glob: "/etc/**")],
            granted: ["file_write:/etc/**"],
            expected: .deny(missing: .fileWriteGlobal(glob: "/etc/**"))
        ),
        Case(
            label: "a global write covers a narrower global write",
            required: [.fileWriteGlobal(glob: "/srv/www/index.html")],
            granted: ["file_write_global:/srv/www/**"],
            expected: .allow
        ),
        // The other kinds.
        Case(
            label: "same custom name",
            required: [.custom(name: "git.push")],
            granted: ["custom:git.push"],
            expected: .allow
        ),
        Case(
            label: "other custom name",
            required: [.custom(name: "git.push")],
            granted: ["custom:git.pull"],
            expected: .deny(missing: .custom(name: "git.push"))
        ),
        Case(
            label: "unrestricted grant covers restricted need",
            required: [.codeExecution(unrestricted: false)],
            granted: ["code_execution:unrestricted"],
            expected: .allow
        ),
        Case(
            label: "restricted grant refuses unrestricted need",
            required: [.codeExecution(unrestricted: true)],
            granted: ["code_execution"],
            expected: .deny(missing: .codeExecution(unrestricted: true))
        ),
        Case(
            label: "sudo is its own kind",
            required: [.codeExecutionSudo],
            granted: ["code_execution:unrestricted"],
            expected: .deny(missing: .codeExecutionSudo)
        ),
        Case(
            label: "first uncovered requirement is reported",
            required: [.fileRead(glob: nil), .systemCommand(pattern: "git"), .custom(name: "x")],
            granted: ["file_read"],
            expected: .deny(missing: .systemCommand(pattern: "git"))
        ),
        // Kinds checked per call: any grant of the kind.
        Case(
            label: "per call: any read grant",
            required: .checkedPerCall(.fileRead),
            granted: ["file_read:/srv/**"],
            expected: .allow
        ),
        Case(
            label: "per call: a global write is a write",
            required: .checkedPerCall(.fileWrite),
            granted: ["file_write_global:/srv/**"],
            expected: .allow
        ),
        Case(
            label: "per call: no grant of the kind",
            required: .checkedPerCall(.fileWrite),
            granted: ["file_read"],
            expected: .missingKind(.fileWrite)
        ),
        Case(
            label: "per call: system commands",
            required: .checkedPerCall(.systemCommand),
            granted: ["system_command:ls"],
            expected: .allow
        ),
    ]

    @Test(arguments: cases)
    func requirementsAreCoveredWithTheCallLevelMeaning(_ testCase: Case) throws {
        let decision = PermissionChecker.check(testCase.required, rules: try Self.rules(testCase.granted))
        #expect(decision == testCase.expected)
    }

    @Test func aReadOnlyClientKeepsOnlyItsReads() throws {
        let rules = try Self.rules(["file_read", "file_write", "system_command:git", "custom:x"], readOnly: true)
        #expect(PermissionChecker.check([.fileRead(glob: nil)], rules: rules) == .allow)
        #expect(PermissionChecker.check(.checkedPerCall(.fileWrite), rules: rules) == .missingKind(.fileWrite))
        #expect(
            PermissionChecker.check([.systemCommand(pattern: "git")], rules: rules)
                == .deny(missing: .systemCommand(pattern: "git"))
        )
        #expect(PermissionChecker.check([.custom(name: "x")], rules: rules) == .deny(missing: .custom(name: "x")))
    }

    @Test func oneGrantOfAnyAlternativeKindSuffices() throws {
        let either = RequiredPermissions.checkedPerCall(anyOf: [.systemCommand, .codeExecution])
        #expect(PermissionChecker.check(either, rules: try Self.rules(["code_execution"])) == .allow)
        #expect(PermissionChecker.check(either, rules: try Self.rules(["system_command:git"])) == .allow)
        #expect(PermissionChecker.check(either, rules: try Self.rules(["file_read"])) == .missingKind(.systemCommand))
        let readOnly = try Self.rules(["code_execution", "system_command:*"], readOnly: true)
        #expect(PermissionChecker.check(either, rules: readOnly) == .missingKind(.systemCommand))
    }

    @Test func rulesThatDoNotCompileCoverNothingButPublic() {
        let rules = PermissionManager.ClientRules(
            permissions: [.fileRead(glob: nil), .fileRead(glob: "/a/**b")],
            workdir: Self.workdir,
            home: Self.home
        )
        #expect(PermissionChecker.check([.fileRead(glob: nil)], rules: rules) == .deny(missing: .fileRead(glob: nil)))
        #expect(PermissionChecker.check(.checkedPerCall(.fileRead), rules: rules) == .missingKind(.fileRead))
        #expect(PermissionChecker.check(.public, rules: rules) == .allow)
    }

    @Test func aRequirementThatDoesNotCompileIsNotCovered() throws {
        let rules = try Self.rules(["file_read:/**"])
        #expect(!PermissionChecker.check([.fileRead(glob: "/a/**b")], rules: rules).isAllowed)
    }
}

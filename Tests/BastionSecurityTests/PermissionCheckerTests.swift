import Testing

@testable import BastionSecurity

struct PermissionCheckerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var required: [Permission]
        var granted: [Permission]
        var expected: PermissionDecision
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "nothing required", required: [], granted: [], expected: .allow),
        Case(
            label: "nothing granted",
            required: [.fileRead(glob: nil)],
            granted: [],
            expected: .deny(missing: .fileRead(glob: nil))
        ),
        Case(
            label: "same kind, different glob",
            required: [.fileRead(glob: "/srv/**")],
            granted: [.fileRead(glob: nil)],
            expected: .allow
        ),
        Case(
            label: "write does not cover read",
            required: [.fileRead(glob: nil)],
            granted: [.fileWrite(glob: nil)],
            expected: .deny(missing: .fileRead(glob: nil))
        ),
        Case(
            label: "write does not cover global write",
            required: [.fileWriteGlobal(glob: "/etc/**")],
            granted: [.fileWrite(glob: nil)],
            expected: .deny(missing: .fileWriteGlobal(glob: "/etc/**"))
        ),
        Case(
            label: "same custom name",
            required: [.custom(name: "git.push")],
            granted: [.custom(name: "git.push")],
            expected: .allow
        ),
        Case(
            label: "other custom name",
            required: [.custom(name: "git.push")],
            granted: [.custom(name: "git.pull")],
            expected: .deny(missing: .custom(name: "git.push"))
        ),
        Case(
            label: "restricted grant, restricted need",
            required: [.codeExecution(unrestricted: false)],
            granted: [.codeExecution(unrestricted: false)],
            expected: .allow
        ),
        Case(
            label: "unrestricted grant covers restricted need",
            required: [.codeExecution(unrestricted: false)],
            granted: [.codeExecution(unrestricted: true)],
            expected: .allow
        ),
        Case(
            label: "restricted grant refuses unrestricted need",
            required: [.codeExecution(unrestricted: true)],
            granted: [.codeExecution(unrestricted: false)],
            expected: .deny(missing: .codeExecution(unrestricted: true))
        ),
        Case(
            label: "sudo is its own kind",
            required: [.codeExecutionSudo],
            granted: [.codeExecution(unrestricted: true)],
            expected: .deny(missing: .codeExecutionSudo)
        ),
        Case(
            label: "system command by kind",
            required: [.systemCommand(pattern: "git")],
            granted: [.systemCommand(pattern: "ls")],
            expected: .allow
        ),
        Case(
            label: "first uncovered requirement is reported",
            required: [.fileRead(glob: nil), .systemCommand(pattern: "git"), .custom(name: "x")],
            granted: [.fileRead(glob: nil)],
            expected: .deny(missing: .systemCommand(pattern: "git"))
        ),
        Case(
            label: "every requirement covered",
            required: [.fileRead(glob: nil), .fileWrite(glob: nil), .custom(name: "x")],
            granted: [.custom(name: "x"), .fileWrite(glob: "/a/**"), .fileRead(glob: "/b/**")],
            expected: .allow
        ),
    ]

    @Test(arguments: cases)
    func checkComparesRequirementsWithGrants(_ testCase: Case) {
        #expect(PermissionChecker.check(required: testCase.required, granted: testCase.granted) == testCase.expected)
    }
}

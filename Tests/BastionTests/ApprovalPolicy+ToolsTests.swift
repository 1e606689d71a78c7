import Testing

@testable import Bastion

struct ApprovalPolicyToolsTests {
    /// (readOnlyHint, destructiveHint, needs approval under `destructive`), per the MCP defaults.
    static let destructiveTable: [(Bool?, Bool?, Bool)] = [
        (nil, nil, true),  // no hints: the spec's defaults say "may destroy"
        (true, nil, false),
        (true, true, false),  // read-only wins: destructiveHint is meaningless then
        (false, nil, true),
        (false, true, true),
        (false, false, false),
        (nil, false, false),
        (nil, true, true),
    ]

    @Test(arguments: destructiveTable)
    func destructiveAsksUnlessReadOnlyOrExplicitlyNonDestructive(readOnly: Bool?, destructive: Bool?, expected: Bool) {
        let annotations = ToolAnnotations(readOnlyHint: readOnly, destructiveHint: destructive)
        #expect(ApprovalPolicy.destructive.requiresApproval(for: annotations) == expected)
    }

    @Test(arguments: [ToolAnnotations(), .readOnly, ToolAnnotations(readOnlyHint: false, destructiveHint: true)])
    func alwaysAsksAndNeverDoesNot(annotations: ToolAnnotations) {
        #expect(ApprovalPolicy.always.requiresApproval(for: annotations))
        #expect(!ApprovalPolicy.never.requiresApproval(for: annotations))
    }
}

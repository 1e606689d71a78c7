import Testing

@testable import Bastion

struct ApprovalPolicyTests {
    @Test("The configuration spellings are never, destructive and always")
    func spellings() {
        #expect(ApprovalPolicy.allCases.map(\.rawValue) == ["never", "destructive", "always"])
        #expect(ApprovalPolicy(rawValue: "Never") == nil)
    }
}

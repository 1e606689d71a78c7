import Testing

@testable import BastionSecurity

struct AuditSyncPolicyTests {
    @Test("The configuration spellings are none, batch and always")
    func spellings() {
        #expect(AuditSyncPolicy.allCases.map(\.rawValue) == ["none", "batch", "always"])
    }

    @Test(
        "Spellings parse back; anything else is refused",
        arguments: ["none", "batch", "always", "Batch", "fsync", ""]
    )
    func parsing(spelling: String) {
        let policy = AuditSyncPolicy(rawValue: spelling)
        #expect((policy != nil) == ["none", "batch", "always"].contains(spelling))
        if let policy { #expect(policy.rawValue == spelling) }
    }
}

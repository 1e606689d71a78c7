import Testing

@testable import Bastion

struct ApprovalVerdictTests {
    @Test func theMessageNamesTheToolAndTheReason() {
        let refusal = ApprovalRefusal(kind: .denied, channel: .client, reason: "declined through the client")
        #expect(
            refusal.message(tool: "write_file")
                == "The call to write_file was not approved: declined through the client"
        )
    }

    @Test func kindsAreTheAuditSpellings() {
        #expect(
            [ApprovalRefusal.Kind.denied, .timeout, .cancelled, .unavailable].map(\.rawValue) == [
                "denied", "timeout", "cancelled", "unavailable",
            ]
        )
    }
}

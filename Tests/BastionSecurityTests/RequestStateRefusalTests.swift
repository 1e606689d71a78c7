import Testing

@testable import BastionSecurity

struct RequestStateRefusalTests {
    /// The audit log's `request_state` vocabulary (README, "Human approval"): changing a spelling
    /// breaks whoever searches the log.
    @Test func theReasonsAreSpelledAsTheAuditLogHasThem() {
        let spellings: [RequestStateRefusal: String] = [
            .malformed: "malformed", .forged: "forged", .otherClient: "other-client", .otherRequest: "other-request",
            .expired: "expired", .replayed: "replayed",
        ]
        for (refusal, spelling) in spellings { #expect(refusal.rawValue == spelling) }
        #expect(RequestStateRefusal(rawValue: "valid") == nil)
    }
}

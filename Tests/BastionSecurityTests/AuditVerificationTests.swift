import Testing

@testable import BastionSecurity

struct AuditVerificationTests {
    @Test func aResultWithoutFailureIsIntact() {
        var result = AuditVerification()
        result.recordCount = 3
        result.lastSequence = 3
        result.warnings = ["torn last line ignored"]
        #expect(result.isIntact)
    }

    @Test func aResultWithAFailureIsNotIntact() {
        var result = AuditVerification()
        result.failure = AuditVerification.Failure(line: 2, sequence: 2, reason: "hash mismatch")
        #expect(!result.isIntact)
        #expect(result.failure?.line == 2)
    }
}

import Testing

@testable import BastionSecurity

struct AuditErrorTests {
    @Test func descriptionIsTheMessage() {
        let error = AuditError(message: "cannot open audit log /x: Permission denied")
        #expect(error.description == "cannot open audit log /x: Permission denied")
        #expect("\(error)" == error.message)
    }

    @Test func errorsCompareByMessage() {
        #expect(AuditError(message: "a") == AuditError(message: "a"))
        #expect(AuditError(message: "a") != AuditError(message: "b"))
    }
}

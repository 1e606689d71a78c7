import Testing

@testable import BastionSecurity

struct AuditSyslogFieldsTests {
    @Test func clientAndDecisionAreOptional() {
        let fields = AuditSyslogFields(event: "start")
        #expect(fields.event == "start" && fields.client == nil && fields.decision == nil)
        #expect(AuditSyslogFields(event: "request", client: "c", decision: "deny").decision == "deny")
    }
}

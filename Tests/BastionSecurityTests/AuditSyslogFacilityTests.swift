import Testing

@testable import BastionSecurity

struct AuditSyslogFacilityTests {
    @Test func codesAreThoseOfRFC5424() {
        #expect(AuditSyslogFacility.user.code == 1)
        #expect(AuditSyslogFacility.daemon.code == 3)
        #expect(AuditSyslogFacility.auth.code == 4)
        #expect(AuditSyslogFacility.authpriv.code == 10)
        #expect(AuditSyslogFacility.local0.code == 16)
        #expect(AuditSyslogFacility.local7.code == 23)
    }

    @Test func spellingsAreTheConfigurationValues() {
        #expect(AuditSyslogFacility(rawValue: "authpriv") == .authpriv)
        #expect(AuditSyslogFacility(rawValue: "local8") == nil)
        #expect(AuditSyslogFacility.allCases.count == 12)
    }
}

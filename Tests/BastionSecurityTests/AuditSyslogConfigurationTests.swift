import Testing

@testable import BastionSecurity

struct AuditSyslogConfigurationTests {
    @Test func theDefaultFacilityIsAuthpriv() {
        let configuration = AuditSyslogConfiguration(destination: .unix(path: "/dev/log"))
        #expect(configuration.facility == .authpriv)
        #expect(configuration.destination == .unix(path: "/dev/log"))
    }
}

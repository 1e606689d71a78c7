import Testing

@testable import BastionSecurity

struct AuditSyslogDestinationTests {
    @Test(arguments: [
        ("unix:/dev/log", AuditSyslogDestination.unix(path: "/dev/log")),
        ("udp://127.0.0.1:514", .udp(host: "127.0.0.1", port: 514)),
        ("tcp://logs.example.org:6514", .tcp(host: "logs.example.org", port: 6514)),
        ("udp://[::1]:514", .udp(host: "::1", port: 514)),
    ])
    func validSpellingsParseAndPrintBack(text: String, expected: AuditSyslogDestination) {
        #expect(AuditSyslogDestination(text) == expected)
        #expect(expected.description == text)
    }

    @Test(arguments: [
        "", "/dev/log", "unix:", "unix:relative/path", "udp://host", "udp://host:0", "udp://host:70000",
        "tcp://:514", "http://host:514", "tcp://ho st:514", "udp://[::1]514", "tcp://host:port",
    ])
    func invalidSpellingsAreRefused(text: String) {
        #expect(AuditSyslogDestination(text) == nil)
    }
}

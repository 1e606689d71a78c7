import BastionSecurity
import Testing

@testable import Bastion

struct ServerConfigurationTests {
    @Test("The defaults are the documented ones")
    func defaults() {
        let server = ServerConfiguration(auditLog: "/var/log/audit.jsonl")
        #expect(server.name == "bastion")
        #expect(server.auditLog == "/var/log/audit.jsonl")
        #expect(server.auditSync == .batch)
        #expect(server.maxMessageBytes == 4_194_304)
        #expect(server.maxDepth == 64)
        #expect(server.diagnostics == false)
        #expect(server.logLevel == "info")
        #expect(server.requestTimeoutMs == 60_000)
        #expect(server.pageSize == 50)
    }

    @Test("The accepted log levels are swift-log's, from trace to critical")
    func logLevels() {
        #expect(ServerConfiguration.logLevels == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
    }
}

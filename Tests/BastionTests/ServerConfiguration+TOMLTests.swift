import BastionSecurity
import Testing

@testable import Bastion

struct ServerConfigurationTOMLTests {
    typealias Support = ConfigurationTestSupport

    private func server(_ body: String) throws -> ServerConfiguration {
        try Support.parse("[server]\n" + body + "\n" + Support.minimalClient).server
    }

    @Test("Every key of [server] is read")
    func readsEveryKey() throws {
        let server = try server(
            """
            name = "mine"
            audit_log = "logs/audit.jsonl"
            audit_sync = "none"
            max_message_bytes = 2048
            max_depth = 8
            diagnostics = true
            log_level = "critical"
            request_timeout_ms = 1
            page_size = 10000
            """
        )
        #expect(
            server
                == ServerConfiguration(
                    name: "mine",
                    auditLog: "/etc/bastion/logs/audit.jsonl",
                    auditSync: .none,
                    maxMessageBytes: 2048,
                    maxDepth: 8,
                    diagnostics: true,
                    logLevel: "critical",
                    requestTimeoutMs: 1,
                    pageSize: 10_000
                )
        )
    }

    @Test("An empty [server] table keeps the defaults")
    func emptyTableKeepsDefaults() throws {
        #expect(try server("") == ServerConfiguration(auditLog: "/state/bastion/audit.jsonl"))
    }

    @Test(
        "Bad [server] values are refused at their key",
        arguments: [
            ("name = \"\"", "server.name"),
            ("name = \"a\\nb\"", "server.name"),
            ("audit_log = \"\"", "server.audit_log"),
            ("audit_sync = \"sometimes\"", "server.audit_sync"),
            ("max_message_bytes = 100", "server.max_message_bytes"),
            ("max_message_bytes = 2000000000", "server.max_message_bytes"),
            ("max_depth = 0", "server.max_depth"),
            ("max_depth = 5000", "server.max_depth"),
            ("log_level = \"verbose\"", "server.log_level"),
            ("log_level = \"INFO\"", "server.log_level"),
            ("request_timeout_ms = 0", "server.request_timeout_ms"),
            ("page_size = 0", "server.page_size"),
            ("page_size = 10001", "server.page_size"),
            ("diagnostics = \"yes\"", "server.diagnostics"),
        ]
    )
    func badValues(body: String, keyPath: String) throws {
        let error = try Support.error("[server]\n" + body + "\n" + Support.minimalClient)
        #expect(error.keyPath == keyPath)
        #expect(error.line == 2)
    }

    @Test("A [server] that is not a table is refused")
    func serverMustBeTable() throws {
        let error = try Support.error("server = 1\n" + Support.minimalClient)
        #expect(error.code == .wrongType)
        #expect(error.message == "expected a table, found an integer")
    }
}

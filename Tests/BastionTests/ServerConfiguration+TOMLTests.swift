import BastionResources
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
            audit_max_bytes = 0
            audit_keep = 3
            audit_syslog = "udp://[::1]:514"
            audit_syslog_facility = "local4"
            max_message_bytes = 2048
            max_depth = 8
            diagnostics = true
            log_level = "critical"
            request_timeout_ms = 1
            approval_timeout_ms = 1000
            page_size = 10000
            memory_budget_mb = 64
            """
        )
        #expect(
            server
                == ServerConfiguration(
                    name: "mine",
                    auditLog: "/etc/bastion/logs/audit.jsonl",
                    auditSync: .none,
                    auditMaxBytes: 0,
                    auditKeep: 3,
                    auditSyslog: .udp(host: "::1", port: 514),
                    auditSyslogFacility: .local4,
                    maxMessageBytes: 2048,
                    maxDepth: 8,
                    diagnostics: true,
                    logLevel: "critical",
                    requestTimeoutMs: 1,
                    approvalTimeoutMs: 1_000,
                    pageSize: 10_000,
                    memoryBudgetMB: 64
                )
        )
    }

    @Test("node_id names this replica in the audit records; unset, the host name and pid do")
    func nodeID() throws {
        #expect(try server("node_id = \"eu-west-2\"").nodeID == "eu-west-2")
        #expect(try server("").nodeID == nil)
    }

    @Test("An empty [server] table keeps the defaults")
    func emptyTableKeepsDefaults() throws {
        #expect(try server("") == ServerConfiguration(auditLog: "/state/bastion/audit.jsonl"))
    }

    @Test(
        "Bad [server] values are refused at their key",
        arguments: [
            ("name = \"\"", "server.name"),
            ("node_id = \"\"", "server.node_id"),
            ("node_id = \"a\\tb\"", "server.node_id"),
            ("node_id = 7", "server.node_id"),
            ("name = \"a\\nb\"", "server.name"),
            ("audit_log = \"\"", "server.audit_log"),
            ("audit_sync = \"sometimes\"", "server.audit_sync"),
            ("audit_max_bytes = -1", "server.audit_max_bytes"),
            ("audit_max_bytes = 100", "server.audit_max_bytes"),
            ("audit_keep = 0", "server.audit_keep"),
            ("audit_keep = 1001", "server.audit_keep"),
            ("audit_syslog = \"/dev/log\"", "server.audit_syslog"),
            ("audit_syslog = \"udp://host\"", "server.audit_syslog"),
            ("audit_syslog = 514", "server.audit_syslog"),
            ("audit_syslog_facility = \"local9\"", "server.audit_syslog_facility"),
            ("max_message_bytes = 100", "server.max_message_bytes"),
            ("max_message_bytes = 2000000000", "server.max_message_bytes"),
            ("max_depth = 0", "server.max_depth"),
            ("max_depth = 5000", "server.max_depth"),
            ("log_level = \"verbose\"", "server.log_level"),
            ("log_level = \"INFO\"", "server.log_level"),
            ("request_timeout_ms = 0", "server.request_timeout_ms"),
            ("approval_timeout_ms = 999", "server.approval_timeout_ms"),
            ("approval_timeout_ms = 86400001", "server.approval_timeout_ms"),
            ("page_size = 0", "server.page_size"),
            ("page_size = 10001", "server.page_size"),
            ("diagnostics = \"yes\"", "server.diagnostics"),
            ("memory_budget_mb = 0", "server.memory_budget_mb"),
            ("memory_budget_mb = 15", "server.memory_budget_mb"),
            ("memory_budget_mb = 1048577", "server.memory_budget_mb"),
            ("memory_budget_mb = \"256\"", "server.memory_budget_mb"),
            ("memory_budget_mb = 25.6", "server.memory_budget_mb"),
        ]
    )
    func badValues(body: String, keyPath: String) throws {
        let error = try Support.error("[server]\n" + body + "\n" + Support.minimalClient)
        #expect(error.keyPath == keyPath)
        #expect(error.line == 2)
    }

    @Test("interpreters defaults to sh, bash, python3 and node, and takes command names only")
    func interpreters() throws {
        #expect(try server("").interpreters == ["sh", "bash", "python3", "node"])
        #expect(try server("interpreters = [\"python3\", \"ruby3.1\"]").interpreters == ["python3", "ruby3.1"])
        #expect(try server("interpreters = []").interpreters == [])
        for bad in ["[\"/usr/bin/python3\"]", "[\"\"]", "[\"sh\", \"sh\"]", "[\"a b\"]", "\"sh\"", "[1]"] {
            let error = try Support.error("[server]\ninterpreters = \(bad)\n" + Support.minimalClient)
            #expect(error.keyPath.hasPrefix("server.interpreters"), "\(bad)")
        }
    }

    @Test("The memory budget defaults to 256 MiB, and a bad value names the key and the accepted range")
    func memoryBudget() throws {
        #expect(try server("").memoryBudgetMB == 256)
        #expect(try server("").memoryBudgetBytes == 256 << 20)
        let error = try Support.error("[server]\nmemory_budget_mb = 1\n" + Support.minimalClient)
        #expect(error.keyPath == "server.memory_budget_mb")
        #expect(error.description.contains("memory_budget_mb"))
        #expect(error.description.contains("16 to 1048576"))
    }

    @Test("Audit rotation defaults to 64 MiB and 10 files; syslog is off with facility authpriv")
    func auditOutputDefaults() throws {
        let server = try server("")
        #expect(server.auditRotation == AuditRotation(maxBytes: 64 << 20, keep: 10))
        #expect(server.auditSyslog == nil && server.auditSyslogConfiguration == nil)
        #expect(server.auditSyslogFacility == .authpriv)
    }

    @Test("A bad syslog destination names the accepted spellings")
    func badSyslogMessage() throws {
        let error = try Support.error("[server]\naudit_syslog = \"syslog.example:514\"\n" + Support.minimalClient)
        #expect(error.message.contains("\"udp://HOST:PORT\""))
        #expect(error.line == 2)
    }

    @Test("A [server] that is not a table is refused")
    func serverMustBeTable() throws {
        let error = try Support.error("server = 1\n" + Support.minimalClient)
        #expect(error.code == .wrongType)
        #expect(error.message == "expected a table, found an integer")
    }
}

struct ServerConfigurationRequireSandboxTests {
    typealias Support = ConfigurationTestSupport

    @Test("require_sandbox defaults to Landlock and seccomp, reads known names and drops duplicates")
    func requireSandboxIsRead() throws {
        let defaults = try Support.parse("[server]\n" + Support.minimalClient).server
        #expect(defaults.requireSandbox == [.landlock, .seccomp])
        let chosen = try Support.parse(
            "[server]\nrequire_sandbox = [\"seccomp\", \"netns\", \"cgroup\", \"seccomp\"]\n" + Support.minimalClient
        )
        #expect(chosen.server.requireSandbox == [.seccomp, .netns, .cgroup])
        let none = try Support.parse("[server]\nrequire_sandbox = []\n" + Support.minimalClient)
        #expect(none.server.requireSandbox.isEmpty)
    }

    @Test(
        "An unknown or mistyped require_sandbox entry is refused naming the key",
        arguments: [
            ("require_sandbox = [\"landlock\", \"apparmor\"]", "server.require_sandbox[1]", "apparmor"),
            ("require_sandbox = [\"Landlock\"]", "server.require_sandbox[0]", "Landlock"),
            ("require_sandbox = \"landlock\"", "server.require_sandbox", "array"),
            ("require_sandbox = [1]", "server.require_sandbox[0]", "string"),
        ]
    )
    func badRequireSandbox(body: String, keyPath: String, mentions: String) throws {
        let error = try Support.error("[server]\n" + body + "\n" + Support.minimalClient)
        #expect(error.keyPath == keyPath)
        #expect(error.line == 2)
        #expect(error.description.contains(mentions), "\(error.description)")
    }
}

import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct BastionConfigurationTOMLTests {
    typealias Support = ConfigurationTestSupport

    static let fullExample = """
        [server]
        name = "bastion"
        audit_log = "/var/log/bastion/audit.jsonl"
        audit_sync = "always"
        max_message_bytes = 1048576
        max_depth = 32
        diagnostics = true
        log_level = "debug"
        request_timeout_ms = 5000
        page_size = 20

        [transport.http]
        listen = "127.0.0.1:8765"
        tls_cert = "server.pem"
        tls_key = "server.key"
        client_ca = "clients-ca.pem"     # mutual TLS
        allowed_origins = ["http://localhost"]

        [transport.dbus]
        bus = "session"

        [[clients]]
        id = "claude"
        workdir = "~/bastion/claude"
        permissions = ["file_read:~/projects/**", "file_write", "code_execution", "system_command:git"]
        limits = { cpu_seconds = 10, memory_mb = 256, open_files = 128, processes = 32, timeout_ms = 10000, output_kb = 64 }
        auth = { jwt_subject = "claude", mtls_subject = "CN=claude", dbus_uid = 1000 }
        deny = ["**/.ssh/**", "**/.env", "~/secrets/**"]
        approval = "destructive"
        approval_channel = "client"
        isolation = "process"
        read_only = true

        [[prompts]]
        name = "review"
        title = "Review a file"
        description = "Ask for a code review"
        arguments = [{ name = "path", description = "File to review", required = true }, { name = "focus" }]
        text = "Please review {{path}}. Focus: {{focus}}"
        """

    @Test("The example of the architecture parses into the values it spells")
    func parsesFullExample() throws {
        let configuration = try Support.parse(Self.fullExample)
        #expect(
            configuration.server
                == ServerConfiguration(
                    name: "bastion",
                    auditLog: "/var/log/bastion/audit.jsonl",
                    auditSync: .always,
                    maxMessageBytes: 1_048_576,
                    maxDepth: 32,
                    diagnostics: true,
                    logLevel: "debug",
                    requestTimeoutMs: 5000,
                    pageSize: 20
                )
        )
        #expect(
            configuration.http
                == HTTPTransportConfiguration(
                    listen: "127.0.0.1:8765",
                    tlsCert: "/etc/bastion/server.pem",
                    tlsKey: "/etc/bastion/server.key",
                    clientCA: "/etc/bastion/clients-ca.pem",
                    allowedOrigins: ["http://localhost"]
                )
        )
        #expect(configuration.dbus == DBusTransportConfiguration(bus: "session"))
        let client = try #require(configuration.client(id: "claude"))
        #expect(client.workdir == "/home/ada/bastion/claude")
        #expect(
            client.permissions == [
                .fileRead(glob: "/home/ada/projects/**"), .fileWrite(glob: nil), .codeExecution(unrestricted: false),
                .systemCommand(pattern: "git"),
            ]
        )
        #expect(
            client.limits
                == ResourceLimits(
                    cpuSeconds: 10,
                    memoryMB: 256,
                    openFiles: 128,
                    processes: 32,
                    timeoutMs: 10_000,
                    outputKB: 64
                )
        )
        #expect(client.auth == ClientAuthConfiguration(jwtSubject: "claude", mtlsSubject: "CN=claude", dbusUID: 1000))
        #expect(client.deny == ["**/.ssh/**", "**/.env", "/home/ada/secrets/**"])
        #expect(client.approval == .destructive)
        #expect(client.approvalChannel == .client)
        #expect(client.isolation == .process)
        #expect(client.readOnly)
        let prompt = try #require(configuration.prompts.first)
        #expect(prompt.name == "review")
        #expect(prompt.title == "Review a file")
        #expect(
            prompt.arguments == [
                PromptArgument(name: "path", description: "File to review", isRequired: true),
                PromptArgument(name: "focus"),
            ]
        )
        #expect(prompt.messages == [.init(role: .user, text: "Please review {{path}}. Focus: {{focus}}")])
    }

    @Test("Omitted values take the safe defaults: XDG paths, no permissions, no transports")
    func omittedValuesTakeDefaults() throws {
        let configuration = try Support.parse(Support.minimalClient)
        #expect(configuration.server == ServerConfiguration(auditLog: "/state/bastion/audit.jsonl"))
        #expect(configuration.http == nil)
        #expect(configuration.dbus == nil)
        #expect(configuration.prompts.isEmpty)
        // A root server runs children as nobody unless run_as says otherwise.
        let runAs = geteuid() == 0 ? SystemUser.resolve("nobody") : nil
        #expect(
            configuration.clients == [ClientConfiguration(id: "a", workdir: "/state/bastion/clients/a", runAs: runAs)]
        )
        #expect(configuration.clients.first?.permissions == [])
    }

    @Test("XDG_STATE_HOME defaults to $HOME/.local/state and is ignored when relative")
    func stateHomeDefaults() throws {
        for environment in [["HOME": "/home/bob"], ["HOME": "/home/bob", "XDG_STATE_HOME": "relative/state"]] {
            let configuration = try BastionConfiguration.parse(
                toml: Support.minimalClient,
                source: "/etc/b.toml",
                environment: environment
            )
            #expect(configuration.server.auditLog == "/home/bob/.local/state/bastion/audit.jsonl")
            // A root server's default workdirs must be reachable by its run_as user: not under a home.
            let workdir = geteuid() == 0 ? "/var/lib/bastion/workdirs/a" : "/home/bob/.local/state/bastion/clients/a"
            #expect(configuration.clients.first?.workdir == workdir)
        }
    }

    @Test(
        "Relative paths resolve against the file's directory; ~, $HOME and $XDG_STATE_HOME expand",
        arguments: [
            ("work", "/etc/bastion/work"),
            ("./a/../b/", "/etc/bastion/b"),
            ("../up", "/etc/up"),
            ("~", "/home/ada"),
            ("~/w", "/home/ada/w"),
            ("$HOME/w", "/home/ada/w"),
            ("$XDG_STATE_HOME/w", "/state/w"),
            ("/abs//x/./y", "/abs/x/y"),
            ("~bob/w", "/etc/bastion/~bob/w"),
        ]
    )
    func resolvesRelativePaths(workdir: String, expected: String) throws {
        let configuration = try Support.parse(
            "[server]\naudit_log = \"\(workdir)\"\n" + "[[clients]]\nid = \"a\"\nworkdir = \"/w\"\n"
                + "[[clients]]\nid = \"b\"\nworkdir = \"\(workdir)/b\"\n"
        )
        #expect(configuration.server.auditLog == expected)
        #expect(configuration.clients.last?.workdir == (expected == "/" ? "/b" : expected + "/b"))
    }

    @Test("A relative source resolves against the current directory")
    func relativeSourceUsesCurrentDirectory() throws {
        let configuration = try Support.parse(Support.minimalClient + "workdir = \"w\"\n", source: "conf/b.toml")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(configuration.clients.first?.workdir == ConfigurationPaths.normalize(cwd + "/conf/w"))
    }

    static let badDocuments: [(toml: String, line: Int, column: Int, keyPath: String, code: ConfigurationError.Code)] =
        [
            (
                "[server]\nname = \"x\"\n\n[[clients]]\nid = \"a\"\ncolour = \"red\"\n", 6, 1, "clients[0].colour",
                .unknownKey
            ),
            ("verbose = true\n" + Support.minimalClient, 1, 1, "verbose", .unknownKey),
            (
                "[[clients]]\nid = \"a\"\n\n[[clients]]\nid = \"b\"\npermissions = [\n  \"file_read\",\n  \"file_write\",\n"
                    + "  \"file_exec\",\n]\n", 9, 3, "clients[1].permissions[2]", .invalidValue
            ),
            (
                "[[clients]]\nid = \"a\"\npermissions = [\"file_read\", \"file_exec\"]\n", 3, 29,
                "clients[0].permissions[1]", .invalidValue
            ),
            ("[[clients]]\nid = \"a\"\npermissions = \"file_read\"\n", 3, 1, "clients[0].permissions", .wrongType),
            (
                "[[clients]]\nid = \"a\"\npermissions = [\"file_read\", 3]\n", 3, 29, "clients[0].permissions[1]",
                .wrongType
            ),
            (
                "[[clients]]\nid = \"a\"\n[[clients]]\nid = \"b\"\n[[clients]]\nid = \"a\"\n", 6, 1, "clients[2].id",
                .duplicate
            ),
            ("[server]\nname = \"x\"\n", 1, 1, "clients", .missingKey),
            ("", 1, 1, "clients", .missingKey),
            ("clients = []\n", 1, 1, "clients", .missingKey),
            ("[clients]\nid = \"a\"\n", 1, 1, "clients", .wrongType),
            ("[[clients]]\nworkdir = \"/w\"\n", 1, 1, "clients[0].id", .missingKey),
            ("[[clients]]\nid = \"has space\"\n", 2, 1, "clients[0].id", .invalidValue),
            ("[[clients]]\nid = 7\n", 2, 1, "clients[0].id", .wrongType),
            ("[server]\nmax_depth = \"64\"\n" + Support.minimalClient, 2, 1, "server.max_depth", .wrongType),
            ("[server]\nmax_depth = 6.4\n" + Support.minimalClient, 2, 1, "server.max_depth", .wrongType),
            (
                "[[clients]]\nid = \"a\"\nlimits = { memory_mb = 64, cpu_seconds = 0 }\n", 3, 28,
                "clients[0].limits.cpu_seconds", .invalidValue
            ),
            (
                "[[clients]]\nid = \"a\"\n[clients.limits]\nmemory_mb = -1\n", 4, 1, "clients[0].limits.memory_mb",
                .invalidValue
            ),
            (
                "[[clients]]\nid = \"a\"\nlimits.timeout_ms = 999999999999\n", 3, 8, "clients[0].limits.timeout_ms",
                .invalidValue
            ),
            ("[[clients]]\nid = \"a\"\nlimits = { cpu = 1 }\n", 3, 12, "clients[0].limits.cpu", .unknownKey),
            ("[[clients]]\nid = \"a\"\napproval = \"sometimes\"\n", 3, 1, "clients[0].approval", .invalidValue),
            (
                "[[clients]]\nid = \"a\"\nauth = { jwt_subject = \"x\", uid = 3 }\n", 3, 29, "clients[0].auth.uid",
                .unknownKey
            ),
            ("[[clients]]\nid = \"a\"\ndeny = [\"**/.ssh/**\", \"\"]\n", 3, 23, "clients[0].deny[1]", .invalidValue),
            (
                "[[clients]]\nid = \"a\"\nauth = { jwt_subject = \"s\" }\n[[clients]]\nid = \"b\"\nauth = { jwt_subject = \"s\" }\n",
                6, 10, "clients[1].auth.jwt_subject", .duplicate
            ),
            (
                "[transport.http]\nlisten = \"0.0.0.0:8765\"\n" + Support.minimalClient, 2, 1, "transport.http.listen",
                .unsafe
            ),
            ("[transport.stdio]\n" + Support.minimalClient, 1, 1, "transport.stdio", .unknownKey),
            ("[transport]\nhttp = 1\n" + Support.minimalClient, 2, 1, "transport.http", .wrongType),
            (
                "[transport.dbus]\nbus = \"tcp:host=x\"\n" + Support.minimalClient, 2, 1, "transport.dbus.bus",
                .invalidValue
            ),
            (
                Support.minimalClient
                    + "[[prompts]]\nname = \"p\"\ntext = \"t\"\n[[prompts]]\nname = \"p\"\ntext = \"u\"\n",
                7, 1, "prompts[1].name", .duplicate
            ),
            (
                Support.minimalClient + "[[prompts]]\nname = \"p\"\ntext = \"t\"\nmessages = []\n", 6, 1,
                "prompts[0].messages", .invalidValue
            ),
        ]

    @Test("Each bad configuration names the right line, column and key path", arguments: badDocuments)
    func badConfigurationIsLocated(
        document: (toml: String, line: Int, column: Int, keyPath: String, code: ConfigurationError.Code)
    ) throws {
        let error = try Support.error(document.toml)
        #expect(error.code == document.code, "\(error)")
        #expect(error.file == "bastion.toml")
        #expect(error.line == document.line, "\(error)")
        #expect(error.column == document.column, "\(error)")
        #expect(error.keyPath == document.keyPath, "\(error)")
    }

    @Test("An unknown permission reads like the documented example")
    func unknownPermissionMessage() throws {
        let toml =
            "[[clients]]\nid = \"a\"\n[[clients]]\nid = \"b\"\npermissions = [\"file_read\", \"file_write\",\n\"file_exec\"]\n"
        let error = try Support.error(toml)
        #expect(
            error.description
                == "bastion.toml:6:1: clients[1].permissions[2]: unknown permission type \"file_exec\"; expected one of "
                + "file_read, file_write, file_write_global, code_execution, code_execution_sudo, system_command, custom"
        )
    }

    @Test("An unknown key lists the keys the table accepts and the first unknown key in file order")
    func unknownKeyMessage() throws {
        let error = try Support.error("[server]\nzeta = 1\nalpha = 2\n" + Support.minimalClient)
        #expect(error.keyPath == "server.zeta")
        #expect(error.message.hasPrefix("unknown key \"zeta\"; expected one of name, audit_log, audit_sync"))
    }

    @Test("A TOML syntax error carries TOMLKit's line and column")
    func syntaxErrorIsLocated() throws {
        let error = try Support.error("[server]\nname = \"x\"\nname = \"y\"\n")
        #expect(error.code == .syntax)
        #expect(error.line == 3)
        #expect(error.column != nil)
        #expect(error.keyPath == "")
        let unterminated = try Support.error("[[clients]]\nid = \"a\n")
        #expect(unterminated.code == .syntax)
        #expect(unterminated.line == 2)
    }

    /// Found by `scripts/fuzz configuration`: TOMLKit's parser (toml++ 3.4) fails an assertion and
    /// aborts the process on a table header without a key, on an array element starting with `}`,
    /// on a date-time without digits after its `T` and on a date, a space and a single digit; in a
    /// reload, that process was the server.
    @Test(
        "Input on which TOMLKit would abort is a syntax error",
        arguments: [
            "[[[clients]\n\"\n", "[[clients]]\nid = \"a\"\n[[ [x]]\n", "[\n", "[=]\n", "[[\t.a]]\n", "[é]\n",
            "[[clients]]\nid = \"a\"\npermissions = [}\"file_read\"]\n", "[[clients]]\ndeny = [\"a\",\n}]\n",
            "k = [\u{2029}]\n", "[server]\nrequest_timeout_ms =1979-05-27Taudit_syslog07:32;x\n",
            "[server]\nname = 1979-05-27 1\n", "_th= 2995-05-4s 9 1max\n",
        ]
    )
    func parserHazardIsRefused(toml: String) throws {
        let error = try Support.error(toml)
        #expect(error.code == .syntax)
        #expect(error.message.hasPrefix("invalid TOML"))
    }

    @Test("An error before a place where TOMLKit would abort is the one reported")
    func earlierErrorWinsOverParserHazard() throws {
        let error = try Support.error("[[clients]]\nid = \"a\"\nid = \"b\"\n[[[x]]\n")
        #expect(error.line == 3)
        let header = try Support.error(Support.minimalClient + "# [[[x]]\nk = \"[[[\"\n[[[x]]\n")
        #expect([header.line, header.column] == [5, 3])
        #expect(header.message.contains("a table header needs a key"))
        let array = try Support.error(Support.minimalClient + "deny = [\n  }]\n")
        #expect([array.line, array.column] == [4, 3])
        #expect(array.message == "invalid TOML: an array element cannot start with \"}\"")
    }

    @Test("NUL characters are refused, raw or escaped, because TOMLKit would cut the string short")
    func nulIsRefused() throws {
        let escaped = try Support.error("[[clients]]\nid = \"a\"\ndeny = [\"/x\\u0000/**\"]\n")
        #expect(escaped.code == .syntax)
        #expect(escaped.line == 3)
        #expect(escaped.keyPath == "clients[0].deny[0]")
        let raw = try Support.error("[[clients]]\nid = \"a\"\n#\u{0}\n")
        #expect(raw.code == .syntax)
        #expect(raw.line == 3)
        #expect(raw.column == 2)
    }

    @Test("load reads a file and names it in errors")
    func loadsFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bastion-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.toml").path
        try Data((Support.minimalClient + "workdir = \"w\"\n").utf8).write(to: URL(fileURLWithPath: good))
        let configuration = try BastionConfiguration.load(path: good, environment: Support.environment)
        #expect(configuration.clients.first?.workdir == ConfigurationPaths.normalize(directory.path + "/w"))

        let bad = directory.appendingPathComponent("bad.toml").path
        try Data("[[clients]]\nid = \"a\"\nread_only = \"yes\"\n".utf8).write(to: URL(fileURLWithPath: bad))
        let error = try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.load(path: bad, environment: Support.environment)
        }
        #expect(error.description.hasPrefix("\(bad):3:1: clients[0].read_only: expected a boolean, found a string"))

        let binary = directory.appendingPathComponent("binary.toml").path
        try Data([0x5B, 0xFF, 0x5D]).write(to: URL(fileURLWithPath: binary))
        let encoding = try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.load(path: binary, environment: Support.environment)
        }
        #expect(encoding.code == .syntax)
    }

    @Test("parse(tomlBytes:) checks size and encoding as load does, without a file")
    func parsesBytes() throws {
        let source = "/nonexistent/bastion.toml"
        let configuration = try BastionConfiguration.parse(
            tomlBytes: Array(Support.minimalClient.utf8),
            source: source,
            environment: Support.environment
        )
        #expect(configuration.clients.count == 1)
        let encoding = try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.parse(tomlBytes: [0x5B, 0xFF, 0x5D], source: source, environment: [:])
        }
        #expect(encoding.code == .syntax)
        #expect(encoding.file == source)
        let tooLarge = [UInt8](repeating: 0x23, count: BastionConfiguration.maximumFileBytes + 1)
        let size = try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.parse(tomlBytes: tooLarge, source: source, environment: [:])
        }
        #expect(size.code == .unreadable)
    }

    @Test("load reports a missing file as unreadable")
    func missingFileIsUnreadable() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.load(path: "/nonexistent/bastion.toml", environment: Support.environment)
        }
        #expect(error.code == .unreadable)
        #expect(error.file == "/nonexistent/bastion.toml")
    }

    @Test(
        "Clients whose workdirs are the same or nested are refused at the later one",
        arguments: [
            ("/w/a", "/w/a"), ("/w/a", "/w/a/b"), ("/w/a/b", "/w/a"), ("/srv", "/srv/x/y"),
            // Nested on bytes: "/\u{301}" is one Character, so a Character prefix test missed it.
            ("/w/a", "/w/a/\u{301}b"), ("/w/a/\u{301}b", "/w/a"),
        ]
    )
    func sharedWorkdirsAreRefused(first: String, second: String) throws {
        let error = try Support.error(
            "[[clients]]\nid = \"a\"\nworkdir = \"\(first)\"\n[[clients]]\nid = \"b\"\nworkdir = \"\(second)\"\n"
        )
        #expect(error.code == .unsafe)
        #expect(error.keyPath == "clients[1].workdir")
        #expect(error.line == 6)
        #expect(error.message.contains("client \"a\" (line 3)"))
    }

    @Test("Sibling workdirs with a common prefix are not shared")
    func siblingWorkdirsAreFine() throws {
        let configuration = try Support.parse(
            "[[clients]]\nid = \"a\"\nworkdir = \"/w/a\"\n[[clients]]\nid = \"b\"\nworkdir = \"/w/a-evil\"\n"
        )
        #expect(configuration.clients.map(\.workdir) == ["/w/a", "/w/a-evil"])
        // é precomposed and decomposed are equal Strings but two directories.
        let accents = try Support.parse(
            "[[clients]]\nid = \"a\"\nworkdir = \"/w/caf\u{E9}\"\n[[clients]]\nid = \"b\"\nworkdir = \"/w/cafe\u{301}\"\n"
        )
        #expect(accents.clients.count == 2)
    }

    @Test("An audit log inside a client's workdir is refused")
    func auditLogInsideAWorkdirIsRefused() throws {
        let error = try Support.error(
            "[server]\naudit_log = \"/w/a/logs/audit.jsonl\"\n[[clients]]\nid = \"a\"\nworkdir = \"/w/a\"\n"
        )
        #expect(error.code == .unsafe)
        #expect(error.keyPath == "server.audit_log")
        #expect(error.line == 2)
    }
}

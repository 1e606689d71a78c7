import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct BastionConfigurationRenderingTests {
    typealias Support = ConfigurationTestSupport

    private func roundTrip(_ configuration: BastionConfiguration) throws -> BastionConfiguration {
        // A different environment and source: the rendering must not depend on either.
        try BastionConfiguration.parse(
            toml: configuration.renderedTOML(),
            source: "/elsewhere/rendered.toml",
            environment: ["HOME": "/root"]
        )
    }

    @Test("require_sandbox survives rendering, empty and chosen", arguments: [[], [SandboxFeature.netns, .cgroup]])
    func requireSandboxRoundTrips(features: [SandboxFeature]) throws {
        var configuration = BastionConfiguration.embeddedDefault(environment: Support.environment)
        configuration.server.requireSandbox = features
        #expect(try roundTrip(configuration).server.requireSandbox == features)
    }

    @Test("The full example round-trips through its rendering")
    func fullExampleRoundTrips() throws {
        let configuration = try Support.parse(BastionConfigurationTOMLTests.fullExample)
        #expect(try roundTrip(configuration) == configuration)
    }

    @Test("Process-session limits survive rendering")
    func sessionLimitsRoundTrip() throws {
        var configuration = BastionConfiguration.embeddedDefault(environment: Support.environment)
        configuration.clients[0].limits.sessions = 3
        configuration.clients[0].limits.sessionIdleMs = 5_000
        configuration.clients[0].limits.sessionTimeoutMs = 60_000
        let rendered = configuration.renderedTOML()
        #expect(rendered.contains("sessions = 3, session_idle_ms = 5000, session_timeout_ms = 60000"))
        #expect(try roundTrip(configuration).clients[0].limits == configuration.clients[0].limits)
    }

    @Test("The embedded default round-trips through its rendering")
    func embeddedDefaultRoundTrips() throws {
        let configuration = BastionConfiguration.embeddedDefault(environment: Support.environment)
        #expect(try roundTrip(configuration) == configuration)
    }

    @Test("Awkward strings, several messages and completions survive rendering")
    func awkwardValuesRoundTrip() throws {
        var configuration = BastionConfiguration.embeddedDefault(environment: Support.environment)
        configuration.clients[0].workdir = "/tmp/quote\"back\\slash é 😀 #[x]"
        configuration.clients[0].permissions += [
            .fileWriteGlobal(glob: "/srv/{a,b}/**"), .codeExecution(unrestricted: true), .codeExecutionSudo,
            .systemCommand(pattern: "/usr/bin/git"), .custom(name: "mod.x"),
        ]
        configuration.clients[0].deny = ["**/.env", "/a\u{7F}b"]
        configuration.clients[0].auth = ClientAuthConfiguration(dbusUID: 0)
        // As root, the parsed client gets the default run_as user: the second one has it spelled out.
        let nobody = geteuid() == 0 ? SystemUser.resolve("nobody") : nil
        configuration.clients.append(ClientConfiguration(id: "second", workdir: "/w2", readOnly: true, runAs: nobody))
        configuration.http = HTTPTransportConfiguration(listen: "[::1]:9000")
        configuration.dbus = DBusTransportConfiguration(bus: "unix:path=/run/bus")
        configuration.prompts = [
            PromptDefinition(
                name: "chat",
                arguments: [PromptArgument(name: "x", isRequired: true, completions: ["a", "b\"c"])],
                messages: [
                    .init(role: .user, text: "hi {{x}}\n\"quoted\"\t\u{1}"), .init(role: .assistant, text: "ok"),
                ]
            ),
            PromptDefinition(name: "solo", messages: [.init(role: .assistant, text: "only the model")]),
        ]
        #expect(try roundTrip(configuration) == configuration)
    }

    @Test("The rendering spells out every server key and the client's effective values")
    func renderingSpellsOutValues() {
        let text = BastionConfiguration.embeddedDefault(environment: Support.environment).renderedTOML()
        for line in [
            "[server]", "name = \"bastion\"", "audit_log = \"/state/bastion/audit.jsonl\"", "audit_sync = \"batch\"",
            "audit_max_bytes = 67108864", "audit_keep = 10", "audit_syslog_facility = \"authpriv\"",
            "max_message_bytes = 4194304", "max_depth = 64", "diagnostics = false", "log_level = \"info\"",
            "request_timeout_ms = 60000", "approval_timeout_ms = 120000", "page_size = 50", "memory_budget_mb = 256",
            "require_sandbox = [\"landlock\", \"seccomp\"]", "[[clients]]", "id = \"local\"",
            "workdir = \"/state/bastion/clients/local\"",
            "permissions = [\"file_read\", \"file_write\", \"code_execution\"]", "isolation = \"in-process\"",
        ] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "missing \(line)")
        }
        #expect(!text.contains("[transport"))
        #expect(!text.contains("auth ="))
        #expect(!text.contains("audit_syslog ="))
    }

    @Test("Audit rotation and syslog settings survive rendering", arguments: ["unix:/dev/log", "tcp://[::1]:6514"])
    func auditOutputsRoundTrip(syslog: String) throws {
        var configuration = BastionConfiguration.embeddedDefault(environment: Support.environment)
        configuration.server.auditMaxBytes = 0
        configuration.server.auditKeep = 99
        configuration.server.auditSyslog = AuditSyslogDestination(syslog)
        configuration.server.auditSyslogFacility = .local7
        let text = configuration.renderedTOML()
        #expect(text.contains("audit_syslog = \"\(syslog)\"\n"))
        #expect(try roundTrip(configuration) == configuration)
    }

    @Test("A single user message renders as text; other messages as a messages array")
    func promptTextShortcut() throws {
        var configuration = BastionConfiguration.embeddedDefault(environment: Support.environment)
        configuration.prompts = [PromptDefinition(name: "p", messages: [.init(role: .user, text: "t")])]
        #expect(configuration.renderedTOML().contains("text = \"t\"\n"))
        configuration.prompts[0].messages.append(.init(role: .assistant, text: "u"))
        #expect(configuration.renderedTOML().contains("messages = [{ role = \"user\", text = \"t\" }, "))
    }

    @Test("check-config shows an Ed25519 public key but never an HMAC secret")
    func signatureKeysRenderWithoutSecrets() throws {
        let ed25519 = ClientAuthConfigurationTOMLTests.ed25519Key
        let hmac = ClientAuthConfigurationTOMLTests.hmacKey
        var configuration = BastionConfiguration.embeddedDefault(environment: Support.environment)
        configuration.clients[0].auth = ClientAuthConfiguration(signatureKey: try SignatureKey(parsing: ed25519))
        configuration.clients.append(
            ClientConfiguration(
                id: "second",
                workdir: "/w2",
                auth: ClientAuthConfiguration(signatureKey: try SignatureKey(parsing: hmac))
            )
        )
        let text = configuration.renderedTOML()
        #expect(text.contains("auth = { signature_key = \"\(ed25519)\" }"))
        #expect(text.contains("auth = { signature_key = \"hmac-sha256:<redacted>\" }"))
        #expect(!text.contains("uzvJ"))
        configuration.clients.removeLast()
        #expect(try roundTrip(configuration) == configuration)
    }
}

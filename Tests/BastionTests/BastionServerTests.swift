import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

/// A module whose registration always fails, so `serveStdio` stops before reading stdin.
private struct BrokenModule: BastionModule {
    var toolName = "bad name"
    var name: String { "broken" }
    func register(in tools: inout ToolRegistry) {
        tools.register(name: toolName, description: "d", inputSchema: ["type": "object"], permissions: .public) {
            _,
            _ in
            .text("")
        }
    }
}

struct BastionServerTests {
    private func configuration(
        _ scratch: borrowing ScratchDirectory,
        clients: [String] = ["local", "claude"],
        diagnostics: Bool = false
    ) -> BastionConfiguration {
        BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("state/audit.jsonl"), diagnostics: diagnostics),
            clients: clients.map { ClientConfiguration(id: $0, workdir: scratch.file("clients/\($0)")) }
        )
    }

    private func serveError(_ server: BastionServer, client: String = "local") async -> ServerError? {
        await #expect(throws: ServerError.self) {
            try await server.serveStdio(clientID: client, logger: SessionTestSupport.quietLogger)
        }
    }

    @Test func theVersionIs010() {
        #expect(BastionServer.version == "0.1.0")
    }

    @Test func theDefaultNodeIsTheHostNameAndThePid() {
        let node = BastionServer.defaultNodeID
        let host = ProcessInfo.processInfo.hostName
        #expect(node.hasSuffix("-\(ProcessInfo.processInfo.processIdentifier)"))
        #expect(
            node.hasPrefix(host.split(separator: ".").first.map(String.init) ?? host) || node.hasPrefix("localhost")
        )
    }

    @Test func theConfigurationIsKept() throws {
        let scratch = try ScratchDirectory()
        let configuration = configuration(scratch)
        #expect(BastionServer(configuration: configuration).configuration == configuration)
    }

    @Test func anUnknownClientIsRefusedNamingTheConfiguredOnes() async throws {
        let scratch = try ScratchDirectory()
        let error = await serveError(BastionServer(configuration: configuration(scratch)), client: "nobody")
        let message = try #require(error?.message)
        #expect(message.contains("\"nobody\""))
        #expect(message.contains("configured clients: local, claude"))
    }

    @Test func anAuthenticationFailureIsAudited() async throws {
        let scratch = try ScratchDirectory()
        _ = await serveError(BastionServer(configuration: configuration(scratch)), client: "nobody")
        let entries = try ScratchDirectory.jsonLines(of: scratch.file("state/audit.jsonl"))
        let failure = try #require(entries.first { $0["event"] == "auth-failure" })
        #expect(failure["transport"] == "stdio")
        #expect(failure["reason"]?.stringValue?.contains("nobody") == true)
        #expect(ScratchDirectory.mode(of: scratch.file("state/audit.jsonl")) == 0o600)
    }

    @Test func anUnusableAuditLogStopsTheStart() async throws {
        let scratch = try ScratchDirectory()
        try "x".write(toFile: scratch.file("state"), atomically: false, encoding: .utf8)
        let error = await serveError(BastionServer(configuration: configuration(scratch)))
        #expect(error?.message.contains("cannot open audit log") == true)
        #expect(error?.message.contains(scratch.file("state/audit.jsonl")) == true)
    }

    @Test func anUnusableWorkdirStopsTheStart() async throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("clients"), withIntermediateDirectories: true)
        try "x".write(toFile: scratch.file("clients/local"), atomically: false, encoding: .utf8)
        let error = await serveError(BastionServer(configuration: configuration(scratch)))
        #expect(error?.message.contains(scratch.file("clients/local")) == true)
    }

    @Test func aBrokenModuleStopsTheStartBeforeAnyWorkdirIsCreated() async throws {
        let scratch = try ScratchDirectory()
        var server = BastionServer(configuration: configuration(scratch))
        server.register(module: BrokenModule())
        _ = await serveError(server)
        #expect(ScratchDirectory.mode(of: scratch.file("clients/local")) == nil)
    }

    @Test func theStdioClientsWorkdirIsProvisionedWhenItConnects() throws {
        let scratch = try ScratchDirectory()
        let service = try BastionService(
            server: BastionServer(configuration: configuration(scratch)),
            logger: SessionTestSupport.quietLogger
        )
        let client = try service.authenticate(.stdio(clientID: "local"), transport: "stdio")
        #expect(client.id == "local")
        #expect(ScratchDirectory.mode(of: scratch.file("clients/local")) == 0o700)
        #expect(ScratchDirectory.mode(of: scratch.file("clients/claude")) == nil)
    }

    @Test func moduleRegistrationProblemsStopTheStart() async throws {
        let scratch = try ScratchDirectory()
        var server = BastionServer(configuration: configuration(scratch))
        server.register(module: BrokenModule())
        let error = await serveError(server)
        #expect(error?.message.hasPrefix("module registration failed") == true)
        #expect(error?.message.contains("\"bad name\"") == true)
    }

    @Test func diagnosticsAreRegisteredWhenEnabled() async throws {
        let scratch = try ScratchDirectory()
        var server = BastionServer(configuration: configuration(scratch, diagnostics: true))
        server.register(module: BrokenModule(toolName: "echo"))
        let error = await serveError(server)
        #expect(error?.message.contains("tool \"echo\" is registered twice") == true)
    }

    @Test func diagnosticsAreAbsentByDefault() async throws {
        let scratch = try ScratchDirectory()
        var server = BastionServer(configuration: configuration(scratch, diagnostics: false))
        server.register(module: BrokenModule(toolName: "echo"))
        server.register(module: BrokenModule())  // keeps the start failing, so stdin is never read
        let error = await serveError(server)
        #expect(error?.message.contains("registered twice") == false)
        #expect(error?.message.contains("\"bad name\"") == true)
    }

    @Test func theInstructionsSayWhatTheKernelOffersOnlyWhenDetected() throws {
        let scratch = try ScratchDirectory()
        var server = BastionServer(configuration: configuration(scratch))
        let client = SessionTestSupport.makeClient()
        let silent = server.sessionConfiguration(for: client, configuration: server.configuration)
        #expect(silent.identity.instructions?.contains("Kernel sandboxing") == false)
        server.kernelSandbox = KernelSandboxSupport(
            landlockABI: 7,
            seccomp: true,
            unprivilegedUserNamespaces: true,
            networkNamespace: true,
            cgroup: .init(version: 1, isWritable: true),
            isRoot: false
        )
        let told = server.sessionConfiguration(for: client, configuration: server.configuration)
        let expected = "Kernel sandboxing for code Bastion runs: \(server.kernelSandbox?.summary ?? "?")."
        #expect(told.identity.instructions?.hasSuffix(expected) == true, "\(told.identity.instructions ?? "")")
    }

    /// Children never see Bastion's own files: the audit log with its head and rotated copy, and the
    /// configuration file once the command line names it (after the modules were made).
    @Test func childrenAreDeniedTheAuditLogAndTheConfigurationFileNamedLater() throws {
        let scratch = try ScratchDirectory()
        var server = BastionServer(configuration: configuration(scratch))
        let audit = scratch.file("state/audit.jsonl")
        #expect(server.hiddenFromChildren.starts(with: [audit]))
        #expect(server.hiddenFromChildren.contains(audit + ".head"))
        #expect(server.hiddenFromChildren.contains(audit + ".1"))
        server.configurationFile = scratch.file("bastion.toml")
        #expect(server.hiddenFromChildren.contains(scratch.file("bastion.toml")))
    }

    /// Review 13, finding 1: the CA key `bastion certs init` leaves beside `client_ca` is protected.
    @Test func theCAKeyBesideTheClientCAIsProtected() {
        var configuration = BastionConfiguration(server: ServerConfiguration(auditLog: "/tmp/a.jsonl"))
        configuration.http = HTTPTransportConfiguration(
            tlsCert: "/etc/bastion/certs/server.pem",
            tlsKey: "/etc/bastion/certs/server.key",
            clientCA: "/etc/bastion/certs/ca.pem"
        )
        let paths = BastionServer(configuration: configuration).protectedPaths
        #expect(paths.contains("/etc/bastion/certs/ca.key"))
        #expect(paths.contains("/etc/bastion/certs/server.key"))
    }

    /// A signature key's file is out of every child's reach: an HMAC secret signs for its client.
    @Test func aSignatureKeyFileIsProtected() {
        var configuration = BastionConfiguration(server: ServerConfiguration(auditLog: "/tmp/a.jsonl"))
        configuration.clients = [
            ClientConfiguration(
                id: "c",
                workdir: "/tmp/c",
                auth: ClientAuthConfiguration(signatureKeyFile: "/etc/bastion/c.key")
            )
        ]
        #expect(BastionServer(configuration: configuration).protectedPaths.contains("/etc/bastion/c.key"))
    }
}

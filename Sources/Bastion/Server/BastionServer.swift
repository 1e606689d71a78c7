import BastionProtocol
import BastionResources
import BastionSecurity
import BastionTransport
public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The Bastion server: a configuration plus the modules that provide its tools.
///
/// ```swift
/// var server = BastionServer(configuration: .embeddedDefault(environment: env))
/// server.register(module: GitModule())
/// try await server.serveStdio(clientID: "local", logger: logger)
/// ```
public struct BastionServer: Sendable {
    /// Bastion's version, reported in `initialize` and `--version`.
    public static let version = "0.1.0"

    /// The effective configuration.
    public var configuration: BastionConfiguration
    private var modules: [any BastionModule] = []

    /// Creates a server; the diagnostics module is added when the configuration enables it.
    public init(configuration: BastionConfiguration) {
        self.configuration = configuration
        if configuration.server.diagnostics { modules.append(DiagnosticsModule(serverVersion: Self.version)) }
    }

    /// Adds a module's tools and resources.
    public mutating func register(module: any BastionModule) {
        modules.append(module)
    }

    /// Serves one client over stdin/stdout until end of input.
    ///
    /// Runs the whole security chain: [1] the stdio peer is authenticated as `clientID`; each request
    /// then passes [2] permissions, [3] sandbox validation, [4] execution and [5] audit.
    /// - Throws: ``ServerError`` when start-up fails (unknown client, unusable audit log or workdir,
    ///   module registration mistakes).
    public func serveStdio(clientID: String, logger: Logger) async throws(ServerError) {
        let audit = try openAudit()
        let client = try authenticate(clientID: clientID, transport: "stdio", audit: audit)
        let runtime = try makeRuntime(logger: logger)
        let transport = StdioTransport(maxFrameBytes: configuration.server.maxMessageBytes)
        let session = MCPSession(
            configuration: sessionConfiguration(for: client),
            router: runtime.makeRouter(for: client),
            sink: transport.makeSink(),
            observer: AuditingObserver(audit: audit, client: client),
            id: "s-\(getpid())-1",
            logger: logger
        )
        audit.record(
            AuditEntry(
                event: "start",
                client: client.id,
                transport: "stdio",
                session: session.id,
                fields: ["version": .string(Self.version), "pid": .int(Int64(getpid()))]
            )
        )
        logger.info("Serving on stdio", metadata: ["client.id": "\(client.id)", "audit.path": "\(audit.path)"])
        let stop: @Sendable (String, Duration) async -> Void = { reason, grace in
            await session.close(grace: grace)
            audit.record(
                AuditEntry(
                    event: "stop",
                    client: client.id,
                    transport: "stdio",
                    session: session.id,
                    fields: ["reason": .string(reason)]
                )
            )
            audit.flush()
        }
        let signals = ShutdownSignals { name in await stop("signal \(name)", .milliseconds(500)) }
        await transport.run(receiver: session, logger: logger)
        signals.cancel()
        await stop("end of input", .seconds(2))
    }

    private func openAudit() throws(ServerError) -> AuditLogger {
        do {
            return try AuditLogger(
                path: configuration.server.auditLog,
                policy: configuration.server.auditSync,
                rotation: configuration.server.auditRotation,
                syslog: configuration.server.auditSyslogConfiguration
            )
        } catch {
            throw ServerError(error.message)
        }
    }

    /// Step 1: authenticates the peer and builds its isolated context (workdir created 0700).
    private func authenticate(
        clientID: String,
        transport: String,
        audit: AuditLogger
    ) throws(ServerError)
        -> ClientContext
    {
        let authenticator = StdioAuthenticator(clientIDs: configuration.clients.map(\.id))
        let identity: ClientIdentity
        do {
            identity = try authenticator.authenticate(.stdio(clientID: clientID), transport: transport)
        } catch {
            audit.record(
                AuditEntry(event: "auth-failure", transport: transport, fields: ["reason": .string(error.message)])
            )
            let known = configuration.clients.map(\.id).joined(separator: ", ")
            throw ServerError("\(error.message) (configured clients: \(known))")
        }
        guard let settings = configuration.client(id: identity.clientID) else {
            throw ServerError("no client \"\(identity.clientID)\" is configured")
        }
        do {
            try WorkdirProvisioner.provision(settings.workdir)
        } catch {
            throw ServerError(error.message)
        }
        return ClientContext(
            identity: identity,
            permissions: settings.permissions,
            workdir: settings.workdir,
            limits: settings.limits
        )
    }

    private func makeRuntime(logger: Logger) throws(ServerError) -> ServerRuntime {
        var tools = ToolRegistry()
        var resources = ResourceRegistry()
        for module in modules {
            module.register(in: &tools)
            module.register(in: &resources)
        }
        let problems = tools.problems + resources.problems
        guard problems.isEmpty else {
            throw ServerError("module registration failed: " + problems.joined(separator: "; "))
        }
        return ServerRuntime(
            tools: ToolManager(tools: tools.tools, sandbox: WorkdirSandboxValidator(), logger: logger),
            resources: ResourceManager(registry: resources, logger: logger),
            prompts: PromptManager(prompts: configuration.prompts),
            pageSize: configuration.server.pageSize
        )
    }

    private func sessionConfiguration(for client: ClientContext) -> MCPSession.Configuration {
        let instructions = """
            Bastion gives you controlled access to this computer as client "\(client.id)". You see only the \
            tools your permissions allow; every call is checked and recorded in an audit log. Relative paths \
            resolve in your private working directory \(client.workdir).
            """
        return MCPSession.Configuration(
            identity: ServerIdentity(
                name: configuration.server.name,
                version: Self.version,
                title: "Bastion",
                instructions: instructions
            ),
            capabilities: ServerRuntime.capabilities,
            limits: JSONLimits(maxBytes: configuration.server.maxMessageBytes, maxDepth: configuration.server.maxDepth),
            requestTimeout: .milliseconds(configuration.server.requestTimeoutMs),
            handlerDeadline: .milliseconds(client.limits.timeoutMs)
        )
    }
}

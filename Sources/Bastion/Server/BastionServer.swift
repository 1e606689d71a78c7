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
    /// The file the configuration came from, if any: protected from every client, named in reload records.
    public var configurationFile: String?
    /// Produces the configuration again on `SIGHUP` (re-reading ``configurationFile``); `nil`
    /// means there is nothing to reload (the embedded default).
    public var reloadConfiguration: (@Sendable () throws(ConfigurationError) -> BastionConfiguration)?
    /// What `~` stands for in paths clients give (default: this process's home directory).
    public var home: String = ConfigurationPaths.processHome
    private var modules: [any BastionModule] = []

    /// Creates a server with the file-system module; the diagnostics module is added when the
    /// configuration enables it.
    public init(configuration: BastionConfiguration) {
        self.configuration = configuration
        modules.append(FileSystemModule())
        if configuration.server.diagnostics { modules.append(DiagnosticsModule(serverVersion: Self.version)) }
    }

    /// Adds a module's tools and resources.
    public mutating func register(module: any BastionModule) {
        modules.append(module)
    }

    /// The `custom:NAME` permissions that the modules built into the `bastion` command declare.
    public static var builtInCustomPermissions: Set<String> {
        var everything = BastionConfiguration(server: ServerConfiguration(auditLog: "/dev/null"))
        everything.server.diagnostics = true
        return BastionServer(configuration: everything).declaredCustomPermissions
    }

    /// The `custom:NAME` permissions the registered modules' tools declare; a configuration may
    /// grant only these (pass them to ``BastionConfiguration/load(path:environment:customPermissions:)``).
    public var declaredCustomPermissions: Set<String> {
        var tools = ToolRegistry()
        for module in modules { module.register(in: &tools) }
        var names: Set<String> = []
        for tool in tools.tools {
            for case .custom(let name) in tool.permissions { names.insert(name) }
        }
        return names
    }

    /// Serves one client over stdin/stdout until end of input.
    ///
    /// Runs the whole security chain: [1] the stdio peer is authenticated as `clientID`; each request
    /// then passes [2] permissions, [3] sandbox validation, [4] execution and [5] audit. `SIGHUP`
    /// reloads the configuration (``reloadConfiguration``) for the next request.
    /// - Throws: ``ServerError`` when start-up fails (unknown client, unusable audit log or workdir,
    ///   module registration mistakes).
    public func serveStdio(clientID: String, logger: Logger) async throws(ServerError) {
        let audit = try openAudit()
        try checkCustomPermissions(configuration)
        let clients = try makeClientManager(audit: audit)
        let client: ClientContext
        do {
            client = try clients.connect(.stdio(clientID: clientID), transport: "stdio")
        } catch {
            let known = configuration.clients.map(\.id).joined(separator: ", ")
            throw ServerError("\(error.message) (configured clients: \(known))")
        }
        let runtime = try makeRuntime(logger: logger)
        let transport = StdioTransport(
            maxFrameBytes: configuration.server.maxMessageBytes,
            // Budgeted answers wait for queued output, so a queue past the budget (plus room for
            // small messages) means a client that stopped reading.
            maxQueuedBytes: configuration.server.memoryBudgetBytes + (64 << 20),
            outputAccount: runtime.memoryBudget
        )
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
            runtime.tools.approvals?.shutdown()  // refuses waiting calls, removes the approval socket
            runtime.resources.sessionEnded(session)
            clients.disconnect(client)
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
        let reload = ReloadSignal { [self] in
            let before = runtime.tools.visibleTools(for: client).map(\.name)
            guard self.reload(clients: clients, audit: audit, logger: logger, applying: runtime.apply),
                runtime.tools.visibleTools(for: client).map(\.name) != before, session.negotiatedVersion != nil
            else { return }
            session.notify(method: "notifications/tools/list_changed")
        }
        await transport.run(receiver: session, logger: logger)
        reload.cancel()
        signals.cancel()
        await stop("end of input", .seconds(2))
    }

    /// Re-reads the configuration and applies it, or keeps the old one; audited either way.
    /// - Returns: Whether a new configuration is in force.
    @discardableResult
    func reload(
        clients: ClientManager,
        audit: AuditLogger,
        logger: Logger,
        applying apply: (BastionConfiguration) -> Void = { _ in }
    ) -> Bool {
        var fields: [String: JSONValue] = [:]
        if let configurationFile { fields["file"] = .string(configurationFile) }
        guard let reloadConfiguration else {
            logger.warning("SIGHUP ignored: the embedded default configuration has no file to reload")
            fields["outcome"] = "ignored"
            fields["error"] = "no configuration file (embedded default)"
            audit.record(AuditEntry(event: "config-reload", fields: fields))
            return false
        }
        do throws(ServerError) {
            let new: BastionConfiguration
            do {
                new = try reloadConfiguration()
            } catch {
                throw ServerError(error.description)
            }
            try checkCustomPermissions(new)
            // Approval settings first: a call arriving mid-reload may meet the new approval rules
            // with the old rights, never the new rights with the old approval rules.
            let previous = clients.configuration
            apply(new)
            let report: ClientManager.ReloadReport
            do {
                report = try clients.reload(new, home: home)
            } catch {
                apply(previous)
                throw error
            }
            fields["outcome"] = "ok"
            fields["changed"] = .array(report.changed.map(JSONValue.string))
            fields["added"] = .array(report.added.map(JSONValue.string))
            fields["removed"] = .array(report.removed.map(JSONValue.string))
            fields["not_applied"] = .array(report.notApplied.map(JSONValue.string))
            audit.record(AuditEntry(event: "config-reload", fields: fields))
            logger.notice(
                "Configuration reloaded; new rules apply to the next request",
                metadata: [
                    "clients.changed": "\(report.changed.joined(separator: ","))",
                    "clients.removed": "\(report.removed.joined(separator: ","))",
                ]
            )
            if !report.notApplied.isEmpty {
                logger.warning(
                    "Some changed settings apply only after a restart: \(report.notApplied.joined(separator: ", "))"
                )
            }
            return true
        } catch {
            fields["outcome"] = "error"
            fields["error"] = .string(String(error.message.prefix(2_048)))
            audit.record(AuditEntry(event: "config-reload", fields: fields))
            logger.error("Configuration reload failed; the previous rules stay in force: \(error.message)")
            return false
        }
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

    /// Bastion's own files, which no client may write whatever it was granted.
    var protectedPaths: [String] {
        var paths = [configuration.server.auditLog]
        if let configurationFile { paths.append(ConfigurationPaths.canonical(configurationFile)) }
        if let http = configuration.http { paths += [http.tlsCert, http.tlsKey, http.clientCA].compactMap { $0 } }
        return paths
    }

    /// Step 1 and the clients' isolation: authentication (failures audited) and per-client contexts.
    private func makeClientManager(audit: AuditLogger) throws(ServerError) -> ClientManager {
        try ClientManager(configuration: configuration, home: home, protectedPaths: protectedPaths) {
            error,
            credentials,
            transport in
            audit.record(
                AuditEntry(
                    event: "auth-failure",
                    transport: transport,
                    fields: ["reason": .string(error.message), "credentials": .string(credentials)]
                )
            )
        }
    }

    /// Refuses a configuration that grants a `custom:NAME` no registered module declares.
    private func checkCustomPermissions(_ configuration: BastionConfiguration) throws(ServerError) {
        let declared = declaredCustomPermissions
        for client in configuration.clients {
            for case .custom(let name) in client.permissions where !declared.contains(name) {
                throw ServerError(
                    "client \"\(client.id)\" is granted \"custom:\(name)\", which no registered module declares"
                )
            }
        }
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
        // Process-wide: every session's answers and queued output count against the one budget.
        let memoryBudget = MemoryBudget(limit: configuration.server.memoryBudgetBytes)
        return ServerRuntime(
            tools: ToolManager(
                tools: tools.tools,
                sandbox: WorkdirSandboxValidator(),
                approvals: ApprovalManager(clients: configuration.clients, logger: logger),
                memoryBudget: memoryBudget,
                logger: logger
            ),
            resources: ResourceManager(registry: resources, memoryBudget: memoryBudget, logger: logger),
            prompts: PromptManager(prompts: configuration.prompts),
            pageSize: configuration.server.pageSize,
            memoryBudget: memoryBudget,
            logger: logger
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

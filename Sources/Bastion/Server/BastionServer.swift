import BastionProtocol
public import BastionResources
public import BastionSecurity
import BastionSystem
import BastionTransport
public import Logging
import ServiceLifecycle

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
    public var configurationFile: String? {
        didSet { childHiddenPaths.set(hiddenFromChildren) }
    }
    /// Produces the configuration again on `SIGHUP` (re-reading ``configurationFile``); `nil`
    /// means there is nothing to reload (the embedded default).
    public var reloadConfiguration: (@Sendable () throws(ConfigurationError) -> BastionConfiguration)?
    /// What `~` stands for in paths clients give (default: this process's home directory).
    public var home: String = ConfigurationPaths.processHome
    /// What the kernel offers for sandboxing (``KernelSandboxSupport/detect()``, once at start),
    /// told to every client in its `initialize` instructions; `nil` says nothing.
    public var kernelSandbox: KernelSandboxSupport? {
        didSet { instructionsSuffix = Self.instructionsSuffix(kernelSandbox) }
    }
    /// The part of every client's instructions that is the same for all, made when
    /// ``kernelSandbox`` is set rather than at each stateless request.
    private(set) var instructionsSuffix = BastionServer.instructionsSuffix(nil)
    /// Verifies bearer tokens for the HTTP transport (`[auth.jwt]`, made by the executable
    /// from `BastionTokens`); `nil`: tokens prove nothing.
    public var tokenVerifier: (any BearerTokenVerifier)?
    /// The client a loopback HTTP listener without authentication serves every request as
    /// (``LoopbackAuthenticator``); set by ``serveHTTP(clientID:logger:onListening:)``.
    var loopbackClient: String?
    /// The cgroup per run (``CgroupManager/start(mountRoot:name:)``, once at start), given to the
    /// execution manager when it is made; `nil` runs go without cgroups.
    public var cgroups: CgroupManager? {
        didSet { childCgroups.set(cgroups) }
    }
    /// The process sessions (`start_process`) of every client: the execution manager's, shared
    /// with the service, which kills a session's processes when its MCP session ends.
    let processSessions: ProcessSessionTable
    private var modules: [any BastionModule] = []
    /// The execution manager, shared by the execution module and the isolation workers' launches.
    private let executionManager: LazyValue<ExecutionManager>
    private let childHiddenPaths: ChildHiddenPaths
    private let childCgroups: ChildCgroups

    /// Creates a server with the file-system module; the diagnostics module is added when the
    /// configuration enables it.
    public init(configuration: BastionConfiguration) {
        self.configuration = configuration
        let childHiddenPaths = ChildHiddenPaths()
        let childCgroups = ChildCgroups()
        let processSessions = ProcessSessionTable()
        self.childHiddenPaths = childHiddenPaths
        self.childCgroups = childCgroups
        self.processSessions = processSessions
        modules.append(FileSystemModule())
        let server = configuration.server
        executionManager = LazyValue {
            [
                interpreters = server.interpreters, required = server.requireSandbox, childHiddenPaths, childCgroups,
                processSessions
            ] in
            // Made before the first child: one made later would not be under that child's mount.
            if let approvals = ApprovalDirectory.path() { try? ApprovalDirectory.prepare(approvals) }
            return ExecutionManager(
                interpreterNames: interpreters,
                requiredFeatures: required.map(\.rawValue),
                hiddenPaths: childHiddenPaths.current,
                runtimePaths: BastionServer.runtimeFiles,
                cgroups: childCgroups.current,
                sessions: processSessions
            )
        }
        modules.append(ExecutionModule(manager: executionManager))
        // The audit log (and its head and rotated copy) and the approval sockets, hidden from children.
        childHiddenPaths.set(hiddenFromChildren)
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
            names.formUnion(tool.permissions.customNames)
        }
        return names
    }

    /// Serves one client over stdin/stdout until end of input, `SIGTERM` or `SIGINT`.
    ///
    /// Runs the whole security chain: [1] the stdio peer is authenticated as `clientID`; each request
    /// then passes [2] permissions, [3] sandbox validation, [4] execution and [5] audit. `SIGHUP`
    /// reloads the configuration (``reloadConfiguration``) for the next request. The ``BastionService``
    /// and the stdio connection run in one `ServiceGroup`; either ending stops the other gracefully.
    /// - Throws: ``ServerError`` when start-up fails (unknown client, unusable audit log or workdir,
    ///   module registration mistakes).
    public func serveStdio(clientID: String, logger: Logger) async throws(ServerError) {
        let service = try BastionService(server: self, logger: logger)
        let client = try service.authenticate(.stdio(clientID: clientID), transport: "stdio")
        let transport = StdioTransport(
            maxFrameBytes: configuration.server.maxMessageBytes,
            // Budgeted answers wait for queued output, so a queue past the budget (plus room for
            // small messages) means a client that stopped reading.
            maxQueuedBytes: configuration.server.memoryBudgetBytes + (64 << 20),
            outputAccount: service.runtime.memoryBudget
        )
        logger.info("Serving on stdio", metadata: ["client.id": "\(client.id)", "audit.path": "\(service.audit.path)"])
        let stdio = StdioService(
            service: service,
            connection: transport.makeConnection(clientID: clientID, logger: logger),
            client: client,
            sink: transport.sink
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: stdio, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            throw ServerError("the server stopped on an error: \(error)")
        }
    }

    /// The audit records' `node` when `node_id` is not set: the host name and the pid.
    static var defaultNodeID: String {
        var name = [UInt8](repeating: 0, count: 256)
        let host =
            name.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count - 1) }
            } == 0 ? String(decoding: name.prefix { $0 != 0 }, as: UTF8.self) : "localhost"
        return "\(host.isEmpty ? "localhost" : host)-\(getpid())"
    }

    func openAudit() throws(ServerError) -> AuditLogger {
        do {
            return try AuditLogger(
                path: configuration.server.auditLog,
                policy: configuration.server.auditSync,
                rotation: configuration.server.auditRotation,
                syslog: configuration.server.auditSyslogConfiguration,
                node: configuration.server.nodeID ?? Self.defaultNodeID
            )
        } catch {
            throw ServerError(error.message)
        }
    }

    /// Bastion's own files, which no client may read or write whatever it was granted: the audit
    /// log, the configuration, the TLS files, and the approval sockets' directory (review 9,
    /// finding 4: a client must not delete or replace the socket a person answers approvals on).
    var protectedPaths: [String] {
        var paths = [configuration.server.auditLog]
        if let configurationFile { paths.append(ConfigurationPaths.canonical(configurationFile)) }
        if let http = configuration.http { paths += [http.tlsCert, http.tlsKey, http.clientCA].compactMap { $0 } }
        // The CA's key beside its certificate, as `bastion certs init` leaves it: a client that
        // could read it could sign itself any client's certificate (review 13, finding 1).
        if let clientCA = configuration.http?.clientCA, let slash = clientCA.lastIndex(of: "/") {
            paths.append(String(clientCA[...slash]) + "ca.key")
        }
        // The JWT keys: a client that could read the secret or the signing key could mint tokens.
        if let jwt = configuration.jwt {
            paths += jwt.publicKeys + [jwt.hs256SecretFile, jwt.signingKeyFile].compactMap { $0 }
        }
        // The signature keys' files: an HMAC secret signs for its client.
        paths += configuration.clients.compactMap(\.auth.signatureKeyFile)
        if let approvals = ApprovalDirectory.path() { paths.append(approvals) }
        // Where run_code's code waits for its interpreter (review 10, finding 2); made now.
        if runsCode, let code = CodeDirectory.shared.path { paths.append(code) }
        return paths
    }

    /// Whether a client may run code (and the code directory is needed).
    var runsCode: Bool {
        configuration.clients.contains { client in
            client.permissions.contains { if case .codeExecution = $0 { true } else { false } }
        }
    }

    /// What the server executes (its binary, its shared libraries and their non-system
    /// directories), which no client may write, nor a child's or a worker's write root hold.
    var runtimePaths: [String] { Self.runtimeFiles }

    /// ``runtimePaths``, worked out once (it reads `/etc/ld.so.conf.d` and looks for links).
    private static let runtimeFiles = RuntimeFiles.current.unwritable

    /// What children never see: the protected files (audit log, configuration, TLS files), the
    /// audit log's head and rotated copy, and the approval sockets' directory.
    var hiddenFromChildren: [String] {
        let audit = configuration.server.auditLog
        // Not the code directory: each child's own code file is bound there.
        let code = runsCode ? CodeDirectory.shared.path : nil
        return protectedPaths.filter { $0 != code } + [audit + ".head", audit + ".1"]
    }

    /// Refuses a configuration in which a client's workdir holds the server's binary or a
    /// directory it loads libraries from (``BastionConfiguration/workdirsHoldingRuntime(_:)``).
    func checkWorkdirsHoldNoRuntime(_ configuration: BastionConfiguration) throws(ServerError) {
        if let problem = configuration.workdirsHoldingRuntime(runtimePaths).first { throw ServerError(problem) }
    }

    /// Refuses a configuration that grants a `custom:NAME` no registered module declares.
    func checkCustomPermissions(_ configuration: BastionConfiguration) throws(ServerError) {
        let declared = declaredCustomPermissions
        for client in configuration.clients {
            for case .custom(let name) in client.permissions where !declared.contains(name) {
                throw ServerError(
                    "client \"\(client.id)\" is granted \"custom:\(name)\", which no registered module declares"
                )
            }
        }
    }

    /// Ends what every module runs (server shutdown, once the last connection has closed).
    func shutdownModules() async {
        for module in modules { await module.shutdown() }
    }

    /// Every module's tools, those of modules that run in the server marked so.
    func toolRegistry() -> ToolRegistry {
        var tools = ToolRegistry()
        for module in modules {
            let first = tools.tools.count
            module.register(in: &tools)
            if module.runsInServer { tools.markRunningInServer(from: first) }
        }
        return tools
    }

    /// Every module's resources, templates and providers.
    func resourceRegistry() -> ResourceRegistry {
        var resources = ResourceRegistry()
        for module in modules { module.register(in: &resources) }
        return resources
    }

    /// The isolation workers of the clients with `isolation = "process"`, `nil` when there is none.
    func makeIsolationWorkers(logger: Logger) -> IsolationWorkers? {
        let workers = IsolationWorkers(
            configuration: configuration,
            protectedPaths: protectedPaths,
            home: home,
            manager: executionManager,
            logger: logger
        )
        return workers.isEmpty ? nil : workers
    }

    func makeRuntime(logger: Logger) throws(ServerError) -> ServerRuntime {
        let tools = toolRegistry()
        let resources = resourceRegistry()
        let problems = tools.problems + resources.problems
        guard problems.isEmpty else {
            throw ServerError("module registration failed: " + problems.joined(separator: "; "))
        }
        // Process-wide: every session's answers and queued output count against the one budget.
        let memoryBudget = MemoryBudget(limit: configuration.server.memoryBudgetBytes)
        let isolation = makeIsolationWorkers(logger: logger)
        return ServerRuntime(
            tools: ToolManager(
                tools: tools.tools,
                sandbox: WorkdirSandboxValidator(),
                approvals: ApprovalManager(
                    clients: configuration.clients,
                    timeout: .milliseconds(configuration.server.approvalTimeoutMs),
                    logger: logger
                ),
                memoryBudget: memoryBudget,
                isolation: isolation,
                logger: logger
            ),
            resources: ResourceManager(
                registry: resources,
                memoryBudget: memoryBudget,
                isolation: isolation,
                logger: logger
            ),
            prompts: PromptManager(prompts: configuration.prompts),
            pageSize: configuration.server.pageSize,
            memoryBudget: memoryBudget,
            logger: logger
        )
    }

    /// What the kernel gives sandboxing, and a warning when children start through a stand-in.
    static func instructionsSuffix(_ kernelSandbox: KernelSandboxSupport?) -> String {
        (kernelSandbox.map { " Kernel sandboxing for code Bastion runs: \($0.summary)." } ?? "")
            + (SandboxLauncher.fromEnvironment.isOverridden
                ? " Warning: children are started through a stand-in launcher, not Bastion's sandbox-exec." : "")
    }

    /// The settings of one client's session, from the configuration in force when it connects.
    func sessionConfiguration(
        for client: ClientContext,
        configuration: BastionConfiguration
    ) -> MCPSession.Configuration {
        let instructions = """
            Bastion gives you controlled access to this computer as client "\(client.id)". You see only the \
            tools your permissions allow; every call is checked and recorded in an audit log. Relative paths \
            resolve in your private working directory \(client.workdir).
            """ + instructionsSuffix
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

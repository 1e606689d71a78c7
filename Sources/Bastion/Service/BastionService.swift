public import BastionProtocol
import BastionResources
public import BastionSecurity
public import Logging
public import ServiceLifecycle
import Synchronization
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// The process-wide half of Bastion: configuration and its reload, the audit log, the client
/// registry, approvals and signals. Transports hand it connections (``serve(_:)``); each becomes an
/// authenticated ``ClientContext`` with its own ``MCPSession``.
///
/// Run it in a `ServiceGroup` beside the transports' services. `SIGHUP` reloads the configuration;
/// `SIGTERM`/`SIGINT`, ``requestShutdown(reason:)`` or the group's graceful shutdown stop it: new
/// connections are refused, every connection's in-flight calls get their grace period, approvals
/// still waiting are refused, and the audit log records why and is flushed before ``run()`` returns.
public final class BastionService: Service, Sendable {
    enum Phase { case starting, running, stopping, stopped }

    struct State {
        var phase = Phase.starting
        var configuration: BastionConfiguration
        var connections: [String: LiveConnection] = [:]
        /// What each client's stateless requests hold together (``exchange(_:headers:as:)``).
        var exchangeQuotas: [String: ExchangeQuota] = [:]
        /// The clients whose workdir a per-request transport has provisioned (workdirs change
        /// only with a restart), so an HTTP request does not redo it.
        var provisioned: Set<String> = []
        var readyWaiters: [CheckedContinuation<Bool, Never>] = []
        var shutdownReason: String?
        var shutdownWaiter: CheckedContinuation<Void, Never>?
        var drainedWaiter: CheckedContinuation<Void, Never>?
    }

    /// How long in-flight calls may finish when a peer closes its side (stdio end of input).
    static let endOfInputGrace: Duration = .seconds(2)
    /// How long in-flight calls may finish when the service stops (a signal, the group).
    static let shutdownGrace: Duration = .milliseconds(500)

    let server: BastionServer
    let audit: AuditLogger
    /// The throttled records of refused requests (authentication failures, HTTP refusals).
    let refusals: RefusalRecords
    let clients: ClientManager
    let runtime: ServerRuntime
    let logger: Logger
    let state: Mutex<State>

    /// Opens what the process shares: the audit log, the client registry and the runtime (modules).
    /// - Parameters:
    ///   - server: The configuration and the modules.
    ///   - logger: The server's log (stderr).
    /// - Throws: ``ServerError`` when the audit log cannot be opened, the configuration grants a
    ///   permission no module declares, a client's rules do not compile, or a module registers badly.
    public init(server: BastionServer, logger: Logger) throws(ServerError) {
        self.server = server
        self.logger = logger
        let audit = try server.openAudit()
        self.audit = audit
        let refusals = RefusalRecords(audit: audit)
        self.refusals = refusals
        try server.checkCustomPermissions(server.configuration)
        try server.checkWorkdirsHoldNoRuntime(server.configuration)
        do {
            self.clients = try ClientManager(
                clients: server.configuration.registryClients(home: server.home),
                protectedPaths: server.protectedPaths,
                runtimePaths: server.runtimePaths,
                // One replay cache for every client list: a reload must not forget the nonces seen.
                authenticators: { [loopbackClient = server.loopbackClient, nonces = NonceCache()] clients in
                    ClientManager.stdioAuthenticators(clients)
                        + [CertificateAuthenticator(clients: clients), TokenSubjectAuthenticator(clients: clients)]
                        + [SignatureAuthenticator(clients: clients, nonces: nonces)]
                        // A reload that gives a client a signature key ends the loopback trust
                        // (review 14, finding 5): requests are then signed or nothing.
                        + (clients.contains { $0.signatureKey != nil }
                            ? [] : loopbackClient.map { [LoopbackAuthenticator(clientID: $0)] } ?? [])
                }
            ) { error, credentials, transport in
                refusals.record(
                    AuditEntry(
                        event: "auth-failure",
                        transport: transport,
                        fields: ["reason": .string(error.message), "credentials": .string(credentials)]
                    ),
                    kind: credentials
                )
            }
        } catch {
            throw ServerError("invalid permission rules: \(error.message)")
        }
        self.runtime = try server.makeRuntime(logger: logger)
        // Written from the supervisor's thread when a process session's run ends, however it ends.
        server.processSessions.setEndRecorder { session, result in
            audit.record(
                AuditEntry(
                    event: "process-end",
                    client: session.owner.client,
                    session: session.owner.session,
                    fields: ProcessSessionAudit.endFields(session, result)
                )
            )
        }
        self.state = Mutex(State(configuration: server.configuration))
        // A tasks-extension task's changes reach its client's listens on every connection.
        runtime.tasks.setClientSessions { [weak self] client in
            self?.liveConnections.filter { $0.client.id == client }.map(\.session) ?? []
        }
    }

    /// The configuration in force.
    var configuration: BastionConfiguration { state.withLock { $0.configuration } }

    /// Serves until shutdown: traps the signals, then waits for a reason to stop and stops.
    public func run() async throws {
        let reloads = await UnixSignalsSequence(trapping: .sighup)
        let stops = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        audit.record(
            AuditEntry(
                event: "start",
                fields: ["version": .string(BastionServer.version), "pid": .int(Int64(getpid()))]
            )
        )
        open()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await _ in reloads { await reloadNow() }
            }
            group.addTask { [self] in
                for await signal in stops {
                    requestShutdown(reason: "signal \(signal)")
                    break
                }
            }
            await withGracefulShutdownHandler {
                await shutdownRequested()
            } onGracefulShutdown: { [self] in
                requestShutdown(reason: "shutdown")
            }
            group.cancelAll()
        }
        await stopEveryConnection()
        // The tasks-extension tasks outlive their connections, not the server: each run is
        // stopped and its record written before the `stop` record.
        await runtime.tasks.stopAll()
        await server.shutdownModules()
        runtime.tools.isolation?.stopAll()
        CodeDirectory.shared.removeIfEmpty()
        runtime.tools.approvals?.shutdown()  // refuses waiting calls, removes the approval socket
        let reason = state.withLock { state -> String in
            state.phase = .stopped
            return state.shutdownReason ?? "shutdown"
        }
        refusals.drain()
        audit.record(AuditEntry(event: "stop", fields: ["reason": .string(reason)]))
        audit.flush()
        logger.debug("Bastion stopped", metadata: ["reason": "\(reason)"])
    }

    /// Stops the service: ``run()`` winds down and returns. The first reason given is recorded.
    /// - Parameter reason: Why, for the audit record (`end of input`, `signal SIGTERM`).
    public func requestShutdown(reason: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.shutdownReason == nil { state.shutdownReason = reason }
            defer { state.shutdownWaiter = nil }
            return state.shutdownWaiter
        }
        waiter?.resume()
    }

    /// Authenticates a connection and provisions its client's workdir, before anything is read.
    ///
    /// - Parameter credentials: What the transport observed.
    /// - Parameter transport: The transport's name.
    /// - Returns: The authenticated client's context, registered with the client registry.
    /// - Throws: ``ServerError`` naming the configured clients when authentication fails (audited),
    ///   or when the workdir cannot be created.
    public func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(ServerError)
        -> ClientContext
    {
        let context: ClientContext
        do {
            context = try clients.connect(credentials, transport: transport).context
        } catch {
            let known = configuration.clients.map(\.id).joined(separator: ", ")
            throw ServerError("\(error.message) (configured clients: \(known))")
        }
        do {
            try WorkdirProvisioner.provision(context.workdir, sharedWith: context.runAs)
        } catch {
            clients.disconnect(context)
            throw ServerError(error.message)
        }
        return context
    }

    /// Authenticates one request of a per-request transport (HTTP): as ``authenticate(_:transport:)``,
    /// with the client's workdir provisioned at its first request only.
    /// - Returns: The client's context; the transport hands it back to ``disconnect(_:)``.
    func authenticateRequest(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(ServerError) -> ClientContext {
        let context: ClientContext
        do {
            context = try clients.connect(credentials, transport: transport).context
        } catch {
            throw ServerError(error.message)
        }
        guard !state.withLock({ $0.provisioned.contains(context.id) }) else { return context }
        do {
            try WorkdirProvisioner.provision(context.workdir, sharedWith: context.runAs)
        } catch {
            clients.disconnect(context)
            throw ServerError(error.message)
        }
        _ = state.withLock { $0.provisioned.insert(context.id) }
        return context
    }

    /// Records a failed authentication that happened before the client registry (a bearer
    /// token that does not verify): the same `auth-failure` record as the registry's own.
    func recordAuthenticationFailure(
        _ error: AuthenticationError,
        credentials: String,
        transport: String,
        peer: String? = RefusalRecords.peer
    ) {
        refusals.record(
            AuditEntry(
                event: "auth-failure",
                transport: transport,
                fields: ["reason": .string(error.message), "credentials": .string(credentials)]
            ),
            kind: credentials,
            peer: peer
        )
    }

    /// Ends a request's or a connection's hold on its client context.
    func disconnect(_ context: ClientContext) {
        clients.disconnect(context)
    }

    /// Serves one connection until its frames end or the service stops.
    ///
    /// - Parameters:
    ///   - connection: What the transport hands over.
    ///   - client: Its context when the transport authenticated it already (``authenticate(_:transport:)``).
    /// - Throws: ``ServerError`` when authentication fails or the service is not running.
    public func serve(_ connection: Connection, as given: ClientContext? = nil) async throws(ServerError) {
        let client: ClientContext
        if let given {
            client = given
        } else {
            client = try authenticate(connection.credentials, transport: connection.transport)
        }
        guard await isRunning() else {
            clients.disconnect(client)
            throw ServerError("the server is shutting down")
        }
        let session = makeSession(for: client, sink: connection.sink)
        let live = LiveConnection(session: session, client: client)
        guard register(live) else {
            clients.disconnect(client)
            throw ServerError("the server is shutting down")
        }
        audit.record(
            AuditEntry(event: "connect", client: client.id, transport: connection.transport, session: session.id)
        )
        logger.info("Client connected", metadata: ["client.id": "\(client.id)", "session.id": "\(session.id)"])
        let grace = await withTaskGroup(of: Duration?.self) { group -> Duration in
            let inbound = connection.inbound
            group.addTask {
                switch inbound {
                case .sequence(let frames):
                    for await frame in frames {
                        switch frame {
                        case .message(let bytes): bytes.withUnsafeBytes { session.receive($0) }
                        case .oversized(let count): session.receiveOversizedFrame(byteCount: count)
                        }
                    }
                case .source(let source):
                    await source.deliver(to: session)
                }
                return Task.isCancelled ? nil : Self.endOfInputGrace
            }
            group.addTask { await live.stopRequested() }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? Self.shutdownGrace
        }
        await session.close(grace: grace)
        // Its tasks' runs are killed and their records written before the client counts as gone.
        await runtime.tasks.sessionEnded(session, client: client)
        // Its process sessions' runs too, each end recorded (`process-end`) before the client is gone.
        await server.processSessions.sessionEnded(ProcessSession.Owner(client: client.id, session: session.id))
        runtime.resources.sessionEnded(session)
        runtime.tools.isolation?.release(client)
        clients.disconnect(client)
        unregister(live)
    }

    /// The routes, limits and observer of one client's new session.
    private func makeSession(for client: ClientContext, sink: any MessageSink) -> MCPSession {
        MCPSession(
            configuration: server.sessionConfiguration(for: client, configuration: configuration),
            router: runtime.makeRouter(for: client),
            sink: sink,
            observer: AuditingObserver(audit: audit, client: client),
            id: SessionID.make(),
            logger: logger
        )
    }
}

import BastionProtocol
import BastionResources
import BastionSecurity
import BastionSystem
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The isolation workers of the clients with `isolation = "process"` (ARCHITECTURE §2): one
/// worker per connection, started at its first isolated call, started again when it died, killed
/// when the connection ends, when a reload changes the rules it was built from, and at shutdown.
///
/// The security chain stays in the server: a call reaches a worker only once it is permitted,
/// validated, approved and being audited; the worker runs the handler again under the client's
/// Landlock rules, seccomp filter and limits, so a bug in a path check cannot leave the scope.
final class IsolationWorkers: Sendable {
    /// One connection's worker, with what it was built from.
    private struct Entry {
        var client: ClientContext
        var worker: IsolationWorker
        var setup: WorkerSetup
    }

    private struct State {
        var configuration: BastionConfiguration
        var protectedPaths: [String]
        /// By connection; the context is kept so that its identifier cannot be reused by another
        /// connection's while the entry exists (review 8, finding 14).
        var workers: [ObjectIdentifier: Entry] = [:]
        var isStopped = false
        /// Counts reloads: a worker started from an older one is not kept (review 10, finding 4).
        var generation: UInt64 = 0
    }

    /// The clients whose calls run in a worker, fixed at start (a reload does not change it).
    private let isolated: Set<String>
    private let home: String
    private let manager: LazyValue<ExecutionManager>
    private let logger: Logger
    private let state: Mutex<State>
    /// One worker starts at a time per connection: a burst of first calls starts one worker.
    private let starting = Mutex(())

    /// The environment variable that gives the diagnostics module a tool reading any path without
    /// checks (tests only: it proves that the worker's sandbox, not the checks, holds the line).
    static let uncheckedReadVariable = "BASTION_TEST_UNCHECKED_READ"

    init(
        configuration: BastionConfiguration,
        protectedPaths: [String],
        home: String,
        manager: LazyValue<ExecutionManager>,
        logger: Logger
    ) {
        self.isolated = Set(configuration.clients.filter { $0.isolation == .process }.map(\.id))
        self.home = home
        self.manager = manager
        self.logger = logger
        self.state = Mutex(State(configuration: configuration, protectedPaths: protectedPaths))
    }

    /// Whether any client is isolated (otherwise the server needs no pool).
    var isEmpty: Bool { isolated.isEmpty }

    /// Whether the client's tool calls run in its worker.
    func isIsolated(_ client: ClientContext) -> Bool { isolated.contains(client.id) }

    /// Runs a call in the connection's worker, starting it when there is none (or it died).
    func run(_ tool: ToolDefinition, call: ToolCall, client: ClientContext) async -> ToolResult {
        let worker: IsolationWorker
        do throws(ExecutionError) {
            worker = try await self.worker(for: client, session: call.request.session)
        } catch {
            return .error("The call could not run in this client's isolation worker: \(error.message)")
        }
        switch await worker.call(call, roots: client.offeredRoots) {
        case .result(let result, let annotations):
            for (key, value) in IsolationWorker.acceptedAnnotations(annotations) { call.request.annotate(key, value) }
            return result
        case .cancelled:
            return ToolManager.cancelledResult(tool, context: call.request, client: client)
        case .failed(let reason):
            return .error("The call failed in this client's isolation worker: \(reason)")
        case .resource, .refused:
            return .error("The isolation worker answered a tool call with a resource read")
        }
    }

    /// Reads a resource in the connection's worker (`resources/read` of an isolated client).
    /// - Throws: The worker's JSON-RPC error (an unknown URI is -32002 there as here), or an
    ///   internal error when the worker cannot answer.
    func readResource(
        _ uri: String,
        client: ClientContext,
        context: RequestContext
    ) async throws(JSONRPCError)
        -> JSONValue
    {
        let worker: IsolationWorker
        do throws(ExecutionError) {
            worker = try await self.worker(for: client, session: context.session)
        } catch {
            throw .internalError("the resource could not be read in this client's isolation worker: \(error.message)")
        }
        switch await worker.readResource(uri, context: context, roots: client.offeredRoots) {
        case .resource(let result, let annotations):
            for (key, value) in IsolationWorker.acceptedAnnotations(annotations) { context.annotate(key, value) }
            return result
        case .refused(let error, let denial):
            if let denial { context.note(denial) }
            throw error
        case .cancelled:
            throw .internalError(context.isTimedOut ? "reading the resource timed out" : "the read was cancelled")
        case .failed(let reason):
            throw .internalError("reading the resource failed in this client's isolation worker: \(reason)")
        case .result:
            throw .internalError("the isolation worker answered a resource read with a tool result")
        }
    }

    /// Kills the connection's worker (its connection ended).
    func release(_ client: ClientContext) {
        let entry = state.withLock { $0.workers.removeValue(forKey: ObjectIdentifier(client)) }
        entry?.worker.stop()
    }

    /// Takes a reloaded configuration: the workers whose setup it changes (their client's rules,
    /// limits or deny list, the server's settings, Bastion's files) are killed, and the next call
    /// starts one with the new; the others keep running (review 8, finding 13).
    func reload(_ configuration: BastionConfiguration, protectedPaths: [String]) {
        let workers = state.withLock { state -> [IsolationWorker] in
            state.configuration = configuration
            state.protectedPaths = protectedPaths
            state.generation += 1
            var changed: [IsolationWorker] = []
            for (key, entry) in state.workers {
                let setup = WorkerSetup(
                    configuration: configuration,
                    clientID: entry.client.id,
                    home: home,
                    protectedPaths: protectedPaths,
                    transport: entry.client.transport
                )
                guard setup != entry.setup else { continue }
                changed.append(entry.worker)
                state.workers[key] = nil
            }
            return changed
        }
        for worker in workers { worker.stop() }
    }

    /// Kills every worker and starts no more (server shutdown).
    func stopAll() {
        let workers = state.withLock { state -> [IsolationWorker] in
            state.isStopped = true
            defer { state.workers.removeAll() }
            return state.workers.values.map(\.worker)
        }
        for worker in workers { worker.stop() }
    }

    /// The worker of one connection, started (on a blocking thread) when it has none alive.
    private func worker(for client: ClientContext, session: MCPSession) async throws(ExecutionError) -> IsolationWorker
    {
        let key = ObjectIdentifier(client)
        if let worker = state.withLock({ $0.workers[key]?.worker }), worker.isAlive { return worker }
        let result = await withTaskExecutorPreference(BlockingExecutor.shared) {
            () -> Result<IsolationWorker, ExecutionError> in
            starting.withLock { _ in
                Result { () throws(ExecutionError) in try start(for: client, session: session) }
            }
        }
        return try result.get()
    }

    /// Starts the connection's worker unless another call did meanwhile (called under ``starting``),
    /// again when a reload came while it started.
    private func start(for client: ClientContext, session: MCPSession) throws(ExecutionError) -> IsolationWorker {
        for _ in 0..<3 {
            if let worker = try startOnce(for: client, session: session) { return worker }
        }
        throw ExecutionError(.busy, "the configuration kept changing while the isolation worker started; try again")
    }

    /// One start: `nil` when a reload came meanwhile (the worker, built from the old rules, is killed).
    private func startOnce(for client: ClientContext, session: MCPSession) throws(ExecutionError) -> IsolationWorker? {
        let key = ObjectIdentifier(client)
        let (existing, configuration, protectedPaths, isStopped, generation) = state.withLock {
            ($0.workers[key]?.worker, $0.configuration, $0.protectedPaths, $0.isStopped, $0.generation)
        }
        if let existing, existing.isAlive { return existing }
        guard !isStopped else { throw ExecutionError(.busy, "the server is stopping") }
        guard let executable = RuntimeFiles.current.executable else {
            throw ExecutionError(.spawnFailed, "cannot find the server's own executable (/proc/self/exe)")
        }
        let manager = manager.value
        var environment = ["PATH=\(ExecutionEnvironment.systemPath)", "HOME=\(client.workdir)", "LC_ALL=C.UTF-8"]
        if let value = getenv(Self.uncheckedReadVariable) {
            environment.append("\(Self.uncheckedReadVariable)=\(String(cString: value))")
        }
        let policy = manager.workerPolicy(
            for: client,
            executable: executable,
            arguments: ["bastion", ToolWorker.verb],
            environment: environment,
            libraries: RuntimeFiles.current.libraryDirectories
        )
        let started = try manager.startWorker(policy)
        guard
            let setup = WorkerSetup(
                configuration: configuration,
                clientID: client.id,
                home: home,
                protectedPaths: protectedPaths,
                transport: client.transport
            )
        else {
            throw ExecutionError(.denied, "the client \(client.id) is no longer configured")
        }
        let server = configuration.server
        let limits = JSONLimits(
            maxBytes: max(server.maxMessageBytes, client.limits.readBytes) * 2 + (1 << 20),
            maxDepth: server.maxDepth + 8
        )
        guard
            let worker = IsolationWorker.start(started, setup: setup, session: session, limits: limits, logger: logger)
        else {
            throw ExecutionError(.spawnFailed, "cannot start a thread for the isolation worker")
        }
        logger.info(
            "Started an isolation worker",
            metadata: [
                "client.id": "\(client.id)", "worker.pid": "\(worker.pid)",
                "landlock.abi": "\(started.report.landlockABI.map(String.init) ?? "none")",
                "seccomp": "\(started.report.seccomp)", "minimal_root": "\(started.report.minimalRoot)",
            ]
        )
        // The server may have begun stopping while this worker started: then it does not stay.
        let (replaced, stopped, stale) = state.withLock { state -> (IsolationWorker?, Bool, Bool) in
            guard !state.isStopped else { return (nil, true, false) }
            guard state.generation == generation else { return (nil, false, true) }
            defer { state.workers[key] = Entry(client: client, worker: worker, setup: setup) }
            return (state.workers[key]?.worker, false, false)
        }
        replaced?.stop()
        guard !stopped else {
            worker.stop()
            throw ExecutionError(.busy, "the server is stopping")
        }
        guard !stale else {
            worker.stop()
            return nil
        }
        return worker
    }
}

public import Logging
import Synchronization

/// One MCP connection: the lifecycle state machine, the dispatcher of inbound messages and the
/// correlator of the server's own requests.
///
/// The session does no I/O. A transport feeds it complete frames with ``receive(_:)`` from its reader
/// thread and gives it a ``MessageSink`` to write to. Requests run concurrently, each in its own task;
/// lifecycle messages (`initialize`, `ping`, `logging/setLevel`, cancellation, responses) are handled
/// inline, in arrival order, so a client may pipeline `initialize` and its first calls.
///
/// ``receive(_:)`` never waits. Requests are admitted by credits (see `MCPSession+Admission.swift`):
/// up to ``Configuration/maxConcurrentRequests`` run, further ones wait in a bounded FIFO queue
/// without a task, and beyond it a request is refused as busy. The lifecycle messages take no
/// credit, so `ping`, cancellation and answers to the server's own requests are handled however
/// full the session is.
public final class MCPSession: Sendable {
    /// Fixed settings of a session.
    public struct Configuration: Sendable {
        /// How the server introduces itself.
        public var identity: ServerIdentity
        /// What the server declares.
        public var capabilities: ServerCapabilities
        /// Size and depth limits of inbound JSON.
        public var limits: JSONLimits
        /// Longest wait for an answer to a server-to-client request.
        public var requestTimeout: Duration
        /// Requests running at once; further requests wait in a queue for a credit.
        public var maxConcurrentRequests: Int
        /// Requests waiting for a credit at most; beyond it a request is refused as busy (-32005).
        public var maxQueuedRequests: Int
        /// Bytes (of their frames) that waiting requests may hold at most; beyond it a request is
        /// refused as busy, unless the queue is empty.
        public var maxQueuedBytes: Int
        /// Longest a handler may run; past it the handler's task is cancelled (see ``MCPSession/expire(_:)``).
        public var handlerDeadline: Duration

        /// Creates a configuration.
        public init(
            identity: ServerIdentity,
            capabilities: ServerCapabilities,
            limits: JSONLimits = .default,
            requestTimeout: Duration = .seconds(60),
            maxConcurrentRequests: Int = 256,
            maxQueuedRequests: Int = 1024,
            maxQueuedBytes: Int = 16 << 20,
            handlerDeadline: Duration = .seconds(300)
        ) {
            self.identity = identity
            self.capabilities = capabilities
            self.limits = limits
            self.requestTimeout = requestTimeout
            self.maxConcurrentRequests = maxConcurrentRequests
            self.maxQueuedRequests = maxQueuedRequests
            self.maxQueuedBytes = maxQueuedBytes
            self.handlerDeadline = handlerDeadline
        }
    }

    enum Phase {
        case awaitingInitialize
        case initialized(ProtocolVersion, ClientInfo)
        /// A 2026-07-28 connection: each request brings its own version and client.
        case modern
        case closed
    }

    /// Where a registered request is in its life.
    enum RequestPhase {
        /// Waiting in ``State/waiting`` for a credit.
        case queued
        /// Holding a credit since `since` (its deadline counts from then); `task` is stored once made.
        case running(task: Task<Void, Never>?, since: ContinuousClock.Instant)
        /// A batch member that has answered and given its credit back, until the batch is written.
        case answered
    }

    struct InFlight {
        let context: RequestContext
        var phase: RequestPhase

        /// The handler's task, when it runs.
        var task: Task<Void, Never>? {
            if case .running(let task, _) = phase { return task }
            return nil
        }
    }

    typealias ReplyContinuation = CheckedContinuation<Result<JSONValue, JSONRPCError>, Never>

    struct State {
        var phase = Phase.awaitingInitialize
        var logLevel = LogLevel.info
        /// Every request from admission to its answer: running, queued or batched.
        var inFlight: [RequestID: InFlight] = [:]
        /// Credits in use: requests whose handler runs or is about to.
        var running = 0
        var waiting = AdmissionQueue()
        var waitingBytes = 0
        var pendingReplies: [RequestID: ReplyContinuation] = [:]
        var nextOutgoingID: Int64 = 1
        var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var watchdog: Task<Void, Never>?
        /// An exchange's deadline, with the process's ticker instead of a watchdog task.
        var deadlineTicket: DeadlineTicker.Ticket?
        var watchdogWaiter: CheckedContinuation<Void, Never>?
        /// How many times the deadline watchdog has looked at the running requests (for tests: a
        /// watchdog with nothing to expire must wait, not spin).
        var watchdogRounds = 0
        var nextWaiterKey = 0
        /// The open `subscriptions/listen` requests of a 2026-07-28 connection.
        var listens: [RequestID: ListenFilter] = [:]
        /// Whether the one body of an ``MCPExchange`` was handed over.
        var hasReceived = false

        var isIdle: Bool { inFlight.isEmpty }

        /// Takes the waiters to wake once no request is left.
        mutating func takeIdleWaitersIfIdle() -> [CheckedContinuation<Void, Never>] {
            guard isIdle, !idleWaiters.isEmpty else { return [] }
            defer { idleWaiters.removeAll() }
            return Array(idleWaiters.values)
        }
    }

    let configuration: Configuration
    /// The server's identity as every 2026-07-28 result carries it in `_meta`, built once.
    let serverInfoMeta: [String: JSONValue]
    /// The same as the JSON member `"_meta":{…}`, encoded once (``writeWithServerInfo(_:holding:)``).
    let serverInfoMember: [UInt8]
    let router: RequestRouter
    let sink: any MessageSink
    /// The sink, when it routes messages to their request's stream (``RoutingMessageSink``).
    let routingSink: (any RoutingMessageSink)?
    /// The request whose handler is running, for a routing sink (set only for such a session).
    @TaskLocal static var relatedRequest: RequestID?
    let observer: any SessionObserver
    let logger: Logger
    let state: Mutex<State>
    /// Where the messages of a session that serves one request of a stateless transport go,
    /// sorted into notifications and the response (``MCPExchange``); `nil` for a connection.
    let exchange: ExchangeOutput?
    /// Orders a listen's acknowledgement before its first notification: taken around writing the
    /// acknowledgement and registering the listen, and around each delivery to listens.
    let listenOrder = Mutex(())
    /// Index in `ProtocolVersion.allCases` of the negotiated version, -1 before `initialize`.
    /// An atomic rather than a read of `state`: every request reads it, and the mutex is contended.
    private let versionIndex = Atomic<Int>(-1)
    /// Set once by ``close(grace:)``.
    private let closedFlag = Atomic<Bool>(false)

    /// An identifier for logs and audit records (`s-…`), unique within the process.
    public let id: String

    /// Creates a session.
    /// - Parameters:
    ///   - configuration: Identity, capabilities and limits.
    ///   - router: The method handlers.
    ///   - sink: Where answers and notifications go.
    ///   - observer: Told about every request before its answer is written (the audit hook).
    ///   - id: The session id used in logs and audit records.
    ///   - logger: The server's logger (stderr).
    public convenience init(
        configuration: Configuration,
        router: RequestRouter,
        sink: any MessageSink,
        observer: any SessionObserver,
        id: String,
        logger: Logger
    ) {
        self.init(
            configuration: configuration,
            router: router,
            sink: sink,
            observer: observer,
            id: id,
            logger: logger,
            exchange: nil
        )
    }

    /// Creates a connection's session, or (with `exchange`) the session of one stateless request:
    /// modern from the start, its headers checked against the body, no session-start or
    /// session-end for the observer (it is not a session of the client's, only one request).
    init(
        configuration: Configuration,
        router: RequestRouter,
        sink: any MessageSink,
        observer: any SessionObserver,
        id: String,
        logger: Logger,
        exchange: ExchangeOutput?
    ) {
        self.configuration = configuration
        self.exchange = exchange
        var initial = State()
        if exchange != nil { initial.phase = .modern }
        self.state = Mutex(initial)
        var info: [String: JSONValue] = [
            "name": .string(configuration.identity.name), "version": .string(configuration.identity.version),
        ]
        if let title = configuration.identity.title { info["title"] = .string(title) }
        self.serverInfoMeta = [ModernEnvelope.Key.serverInfo: .object(info)]
        var member = Array(#""_meta":"#.utf8)
        JSONWriter.write(.object(serverInfoMeta), into: &member)
        self.serverInfoMember = member
        self.router = router
        self.sink = sink
        self.routingSink = sink as? any RoutingMessageSink
        self.observer = observer
        self.id = id
        var logger = logger
        logger[metadataKey: "session.id"] = .string(id)
        self.logger = logger
        if exchange != nil { publish(.v2026_07_28) }
    }

    /// The negotiated protocol version, once `initialize` has been answered.
    public var negotiatedVersion: ProtocolVersion? {
        let index = versionIndex.load(ordering: .acquiring)
        return index >= 0 ? ProtocolVersion.allCases[index] : nil
    }

    /// Whom the server-side state its requests create (process sessions, tasks) belongs to beside
    /// the client: this session, or, for a request of a stateless transport, every request of the
    /// client (``MCPExchange/sharedScope``), since the next request comes in another exchange.
    public var stateScope: String { exchange == nil ? id : MCPExchange.sharedScope }

    /// Whether this session serves one request of a stateless transport (``MCPExchange``).
    public var isExchange: Bool { exchange != nil }

    /// Whether ``close(grace:)`` has begun.
    var isClosed: Bool { closedFlag.load(ordering: .acquiring) }

    /// Publishes the negotiated version; called once, under the state lock, by `initialize`.
    func publish(_ version: ProtocolVersion) {
        versionIndex.store(ProtocolVersion.allCases.firstIndex(of: version) ?? -1, ordering: .releasing)
    }

    /// The client's self-description, once `initialize` has been answered.
    public var clientInfo: ClientInfo? {
        state.withLock { state in
            if case .initialized(_, let client) = state.phase { return client }
            return nil
        }
    }

    /// Ends the session: lets in-flight requests finish for up to `grace`, then cancels the rest and
    /// waits for them (one second at most: a handler ignoring cancellation is abandoned), and fails
    /// pending server requests.
    ///
    /// The grace period keeps answers to requests a client sent just before closing its input from
    /// being lost; a request still running after it is cancelled.
    public func close(grace: Duration = .seconds(2)) async {
        await waitUntilIdle(atMost: grace)
        closedFlag.store(true, ordering: .releasing)
        let (tasks, replies, dropped) = state.withLock {
            state -> ([Task<Void, Never>], [ReplyContinuation], [AdmittedRequest]) in
            state.phase = .closed
            var tasks: [Task<Void, Never>] = []
            for entry in state.inFlight.values {
                _ = entry.context.markCancelled()
                if let task = entry.task { tasks.append(task) }
            }
            // Requests still waiting for a credit never run.
            let dropped = state.dropWaiting()
            // Cancelled outside the lock with the others: its cancellation handler takes the lock.
            if let watchdog = state.watchdog { tasks.append(watchdog) }
            state.watchdog = nil
            if let ticket = state.deadlineTicket { DeadlineTicker.shared.remove(ticket) }
            state.deadlineTicket = nil
            let replies = Array(state.pendingReplies.values)
            state.pendingReplies.removeAll()
            return (tasks, replies, dropped)
        }
        for request in dropped { settleUnrun(request) }
        for reply in replies { reply.resume(returning: .failure(.internalError("session closed"))) }
        for task in tasks { task.cancel() }
        // A handler stuck in a call that ignores cancellation (a write to a peer that stopped
        // reading, a slow file system) must not keep the server alive: wait for the cancelled work
        // at most one more second, then close anyway. Only waits that end when cancelled are raced
        // here — awaiting a task's value would outlive the timeout.
        await waitUntilIdle(atMost: .seconds(1))
        guard let exchange else { return observer.sessionClosed(self) }
        // Nothing more goes out for the request, whatever was still running. A body not handed
        // over yet is still refused (recorded, answered "closing"), and that answer ends it.
        if state.withLock({ $0.hasReceived }) { exchange.finish() }
    }

    /// Returns once no request is in flight, or after `limit`, whichever comes first.
    func waitUntilIdle(atMost limit: Duration) async {
        // Idle already — every exchange's session is when its answer has gone out: no timer, no
        // tasks. A sleeping child task per wait cost a dispatch timer and three task switches per
        // stateless request (the dispatch manager thread alone took 9% of the CPU).
        if state.withLock({ $0.isIdle }) { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilIdle() }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once no request is in flight, or when the calling task is cancelled.
    func waitUntilIdle() async {
        let key = state.withLock { state -> Int in
            defer { state.nextWaiterKey += 1 }
            return state.nextWaiterKey
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.isIdle || Task.isCancelled { return true }
                    state.idleWaiters[key] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.idleWaiters.removeValue(forKey: key) }?.resume()
        }
    }

    /// Encodes and writes one message.
    /// - Parameter held: What an exchange keeps alive until its transport has taken the message
    ///   (a connection's sink accounts for what it queues itself).
    @discardableResult
    func write(_ message: JSONRPCMessage, holding held: [any AnyObject & Sendable] = []) -> Bool {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        JSONWriter.write(message.json, into: &bytes)
        return send(encoded: bytes, of: message, holding: held)
    }

    /// Writes `message`, already encoded as `bytes`: to the sink, or sorted for the exchange.
    func send(
        encoded bytes: consuming [UInt8],
        of message: JSONRPCMessage,
        holding held: [any AnyObject & Sendable]
    )
        -> Bool
    {
        guard let exchange else {
            guard let routingSink else { return sink.send(bytes) }
            let route: MessageRoute
            switch message {
            case .response(let id, _): route = .response(to: id)
            case .errorResponse(let id?, _): route = .response(to: id)
            case .errorResponse(nil, _): route = .refusal
            case .request, .notification: route = .related(to: Self.relatedRequest)
            }
            return routingSink.send(bytes, route: route)
        }
        var droppable = false
        if case .notification(let method, _) = message {
            // Superseded by the next one; a listen's change is not.
            droppable = method == "notifications/progress" || method == "notifications/message"
        }
        return exchange.deliver(
            bytes,
            kind: MCPExchange.Message.Kind(message),
            droppable: droppable,
            held: held
        )
    }
}

import Synchronization

/// One in-flight request as its handler sees it: identity, progress, cancellation, audit notes.
public final class RequestContext: Sendable {
    /// The request id.
    public let id: RequestID
    /// The method being served.
    public let method: String
    /// The session the request arrived on.
    public let session: MCPSession
    /// `params._meta.progressToken`, when the client asked for progress.
    public let progressToken: JSONValue?
    /// When the request was received.
    public let receivedAt: ContinuousClock.Instant
    /// The request's `_meta` envelope on a 2026-07-28 connection; `nil` on a handshake-era one.
    public let envelope: ModernEnvelope?
    /// The task this request runs as (a task-augmented `tools/call`, 2025-11-25): the messages it
    /// causes carry `_meta["io.modelcontextprotocol/related-task"]`.
    public let relatedTask: String?
    /// Members added to the `_meta` of the log messages it causes (``messageMeta``).
    let messageTag: [String: JSONValue]?
    /// Told when the handler starts and stops waiting for the person behind the client (a task
    /// moves to `input_required` and back).
    private let inputObserver: (@Sendable (_ isWaiting: Bool) -> Void)?

    private struct State {
        var isCancelled = false
        var isFinished = false
        var isTimedOut = false
        var lastProgress: Double?
        var annotations: [String: JSONValue] = [:]
        var deadlineExtension: Duration = .zero
        var held: [any AnyObject & Sendable] = []
        var onUnanswered: [@Sendable () -> Void] = []
    }

    private let state: Mutex<State>

    /// Creates a context; the session does this for each request.
    package init(
        id: RequestID,
        method: String,
        params: JSONValue?,
        session: MCPSession,
        relatedTask: String? = nil,
        envelope: ModernEnvelope? = nil,
        inputObserver: (@Sendable (_ isWaiting: Bool) -> Void)? = nil,
        messageTag: [String: JSONValue]? = nil
    ) {
        self.id = id
        self.messageTag = messageTag
        self.envelope = envelope
        self.relatedTask = relatedTask
        self.inputObserver = inputObserver
        self.method = method
        self.session = session
        if let envelope {
            // Read with the envelope, from the `_meta` it looked up already.
            self.progressToken = envelope.progressToken
        } else {
            let token = params?["_meta"]?["progressToken"]
            switch token {
            case .string?, .int?: self.progressToken = token
            default: self.progressToken = nil
            }
        }
        self.receivedAt = .now
        // What a modern request's record says of its revision and client: set here, not by three
        // locked inserts (every request of a 2026-07-28 connection).
        var initial = State()
        if let envelope { initial.annotations = MCPSession.auditAnnotations(envelope) }
        self.state = Mutex(initial)
    }

    /// What the client declared for this request: its envelope's on a 2026-07-28 connection
    /// (nothing carries over from an earlier request), else what it said in `initialize`.
    public var client: ClientInfo? { envelope?.client ?? session.clientInfo }

    /// The protocol revision of this request.
    public var protocolVersion: ProtocolVersion? { envelope?.version ?? session.negotiatedVersion }

    /// Sends `notifications/message` about this request: on a 2026-07-28 connection only when the
    /// request asked for that level or a lower one in its `_meta` (logging.mdx), else when it is
    /// at or above the level the client set with `logging/setLevel`.
    ///
    /// The message carries ``messageMeta`` in `_meta`, so whoever relays it knows its request.
    public func log(_ level: LogLevel, logger name: String? = nil, data: JSONValue) {
        guard let envelope else {
            session.log(level, logger: name, data: data, meta: messageMeta)
            return
        }
        guard let wanted = envelope.logLevel, level >= wanted, !isFinished, !isCancelled else { return }
        session.send(level, logger: name, data: data, meta: messageMeta)
    }

    /// The `_meta` of the log messages this request causes: its task's (``relatedTaskMeta``), and
    /// the tag it was made with (an isolation worker's call id, by which the server hands the
    /// message to the call it belongs to and applies that call's log level).
    var messageMeta: JSONValue? {
        guard let messageTag else { return relatedTaskMeta }
        var meta = relatedTaskMeta?.objectValue ?? [:]
        for (key, value) in messageTag { meta[key] = value }
        return .object(meta)
    }

    /// Adds time to this request's deadline (the client's `timeout_ms`), for time the handler spends
    /// waiting on a person rather than working (an approval). The watchdog sees it at its next check.
    public func extendDeadline(by duration: Duration) {
        state.withLock { $0.deadlineExtension += duration }
    }

    /// The time added with ``extendDeadline(by:)``.
    package var deadlineExtension: Duration { state.withLock { $0.deadlineExtension } }

    /// Whether the client cancelled this request (its answer will not be sent).
    public var isCancelled: Bool { state.withLock { $0.isCancelled } }

    /// Sends `notifications/progress` if the client asked for it.
    ///
    /// Values that do not increase are dropped (the spec requires progress to increase), and nothing
    /// is sent once the request has completed.
    public func reportProgress(_ progress: Double, total: Double? = nil, message: String? = nil) {
        guard let progressToken else { return }
        let shouldSend = state.withLock { state -> Bool in
            guard !state.isFinished, !state.isCancelled else { return false }
            if let last = state.lastProgress, progress <= last { return false }
            state.lastProgress = progress
            return true
        }
        guard shouldSend else { return }
        var params: [String: JSONValue] = ["progressToken": progressToken, "progress": .double(progress)]
        if let total { params["total"] = .double(total) }
        if let message, session.negotiatedVersion?.hasProgressMessage ?? false { params["message"] = .string(message) }
        if let meta = relatedTaskMeta { params["_meta"] = meta }
        session.notify(method: "notifications/progress", params: .object(params))
    }

    /// `{"io.modelcontextprotocol/related-task": {"taskId": …}}` when this request runs as a task.
    public var relatedTaskMeta: JSONValue? {
        relatedTask.map { [Self.relatedTaskKey: ["taskId": .string($0)]] }
    }

    /// The `_meta` key that ties a message to its task (tasks.mdx).
    public static let relatedTaskKey = "io.modelcontextprotocol/related-task"

    /// Says that the handler waits for (`true`) or has received (`false`) input from the person
    /// behind the client; a task shows `input_required` meanwhile.
    public func awaitingInput(_ isWaiting: Bool) {
        inputObserver?(isWaiting)
    }

    /// Adds a fact to this request's audit record (tool name, decision, permission, …).
    public func annotate(_ key: String, _ value: JSONValue) {
        state.withLock { $0.annotations[key] = value }
    }

    /// Keeps `object` alive as long as this request: until its answer has been written (or dropped)
    /// and the request is forgotten. What a handler reserved for its answer (a memory reservation,
    /// which releases itself when deallocated) is thereby released only once the answer has left.
    public func holdUntilAnswered(_ object: any AnyObject & Sendable) {
        state.withLock { $0.held.append(object) }
    }

    /// Drops what ``holdUntilAnswered(_:)`` kept, once the answer is written: a memory reservation
    /// goes back to the budget then, not whenever the last task holding this context ends.
    package func releaseHeld() {
        let held = state.withLock { state in
            defer { state.held = [] }
            return state.held
        }
        _ = consume held  // released outside the lock: a reservation's deinit wakes budget waiters
    }

    /// Hands over what ``holdUntilAnswered(_:)`` kept, to whatever keeps the answer from now on (a
    /// task keeps its call's answer, and the memory reserved for it, until the task is dropped).
    package func takeHeld() -> [any AnyObject & Sendable] {
        state.withLock { state in
            defer { state.held = [] }
            return state.held
        }
    }

    /// Runs `action` if this request's answer is never sent: cancelled before it was written, or
    /// replaced by an error because its audit record could not be written. What the answer would
    /// have told the client about (a task's id) is then undone.
    package func onUnanswered(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onUnanswered.append(action) }
    }

    /// Runs what ``onUnanswered(_:)`` registered; the session calls it once, when the answer is dropped.
    package func answerDropped() {
        let actions = state.withLock { state in
            defer { state.onUnanswered = [] }
            return state.onUnanswered
        }
        for action in actions { action() }
    }

    /// The facts added so far.
    public var annotations: [String: JSONValue] { state.withLock { $0.annotations } }

    /// Whether the request ran past its deadline (see ``MCPSession/expire(_:)``); unlike a client
    /// cancellation, it still gets an answer.
    public var isTimedOut: Bool { state.withLock { $0.isTimedOut } }

    /// Whether the handler has finished (its answer may still be being written).
    package var isFinished: Bool { state.withLock { $0.isFinished } }

    /// Marks the request timed out; returns `false` if it had already finished.
    package func markTimedOut() -> Bool {
        state.withLock { state in
            guard !state.isFinished else { return false }
            state.isTimedOut = true
            return true
        }
    }

    /// Marks the request cancelled; returns `false` if it had already finished.
    package func markCancelled() -> Bool {
        state.withLock { state in
            guard !state.isFinished else { return false }
            state.isCancelled = true
            return true
        }
    }

    /// Marks the request finished; returns whether its answer should still be sent.
    package func markFinished() -> Bool {
        state.withLock { state in
            state.isFinished = true
            return !state.isCancelled
        }
    }
}

import BastionProtocol
import BastionSecurity
import Synchronization

/// The tasks of every session (2025-11-25 tasks.mdx): task-augmented `tools/call` runs in the
/// background while the client polls `tasks/get`, waits on `tasks/result`, lists or cancels; and
/// the tasks the server makes under the 2026-07-28 tasks extension (``startForExtension``).
///
/// A 2025-11-25 task is bound to the client and the session that created it, an extension task to
/// its client: any other caller is told "Task not found", exactly as for an id that never existed
/// (no oracle). Each session may hold at most
/// ``Limits/maximumWorking`` running and ``Limits/maximumRetained`` tasks in all; ended tasks are
/// dropped once their TTL has passed, and a session's tasks are cancelled when it ends.
final class TaskStore: Sendable {
    /// The bounds of the store.
    struct Limits: Sendable {
        /// Tasks a session may have running at once.
        var maximumWorking = 16
        /// Tasks (running or ended) a session may hold; the oldest ended one makes room.
        var maximumRetained = 64
        /// TTL when the client asks for none, in milliseconds.
        var defaultTTLMs = 300_000
        /// Longest TTL granted, in milliseconds.
        var maximumTTLMs = 3_600_000
        /// Time kept beyond the client's `timeout_ms` at least, so a result outlives its run.
        var minimumTTLBeyondTimeoutMs = 60_000
        /// Suggested polling interval, in milliseconds.
        var pollIntervalMs = 500
    }

    /// What a task runs: the call, with the task's own context.
    typealias Work = @Sendable (_ context: RequestContext) async throws(JSONRPCError) -> JSONValue

    let limits: Limits
    private struct State {
        var tasks: [String: ToolTask] = [:]
        var nextSequence = 0
    }
    private let state = Mutex(State())
    private let clientSessions = Mutex<(@Sendable (String) -> [MCPSession])?>(nil)

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The owner's session of every task made under the tasks extension: 2026-07-28 has no
    /// sessions, so such a task belongs to its client, whatever connection asks about it, and
    /// outlives the connection that made it (it ends with its call, or with the process).
    static let extensionSession = MCPExchange.sharedScope

    /// Starts `work` as a task the client asked for (2025-11-25) and returns the `CreateTaskResult`.
    /// - Parameters:
    ///   - request: The `task` member of the request's params (`{ttl?}`).
    ///   - params: The request's params, for the task's own context (progress token).
    ///   - client: The caller.
    ///   - context: The creating request.
    ///   - timeout: How long the work may run (the client's `timeout_ms`, plus extensions).
    ///   - work: The call.
    /// - Throws: -32602 for a malformed `task`; -32005 when the session holds too many tasks.
    func start(
        _ request: JSONValue,
        params: JSONValue?,
        client: ClientContext,
        context: RequestContext,
        timeout: Duration,
        work: @escaping Work
    ) throws(JSONRPCError) -> JSONValue {
        let ttl = try ttlMilliseconds(request, client: client)
        let session = context.session
        let task = try admit(
            owner: ToolTask.Owner(client: client.id, session: session.id),
            ttlMs: ttl,
            flavor: .core
        )
        let own = RequestContext(
            id: context.id,
            method: context.method,
            params: params,
            session: session,
            relatedTask: task.id,
            inputObserver: { [self] isWaiting in
                if task.awaitInput(isWaiting) { announce(task, on: session) }
            }
        )
        launch(task, work: work, own: own, creating: context, params: params, timeout: timeout)
        return [
            "task": task.json,
            "_meta": [
                "io.modelcontextprotocol/model-immediate-response": .string(
                    "The call runs as task \(task.id); its result comes with tasks/result."
                )
            ],
        ]
    }

    /// Starts `work` as a task the server chose to make under the tasks extension (2026-07-28)
    /// and returns the `CreateTaskResult` (`resultType: "task"`). The task is in the store before
    /// this returns, so a `tasks/get` of its id resolves at once (SEP-2663, "durably created").
    ///
    /// The run gets neither the request's progress token nor its log level: the extension sends
    /// neither for a task, and the request is answered before the run ends.
    /// - Throws: -32005 when the client holds too many tasks.
    func startForExtension(
        params: JSONValue?,
        client: ClientContext,
        context: RequestContext,
        timeout: Duration,
        work: @escaping Work
    ) throws(JSONRPCError) -> JSONValue {
        let ttl = try ttlMilliseconds([:], client: client)
        let task = try admit(
            owner: ToolTask.Owner(client: client.id, session: Self.extensionSession),
            ttlMs: ttl,
            flavor: .tasksExtension,
            toolName: params?["name"]?.stringValue
        )
        var envelope = context.envelope
        envelope?.logLevel = nil
        envelope?.progressToken = nil
        let own = RequestContext(
            id: context.id,
            method: context.method,
            params: nil,
            session: context.session,
            envelope: envelope
        )
        launch(task, work: work, own: own, creating: context, params: params, timeout: timeout)
        guard case .object(var members) = task.detailedJSON else { return task.detailedJSON }
        members["resultType"] = .string(TasksExtension.taskResultType)
        return .object(members)
    }

    /// Runs a registered task's work in the background; the creating request's record says so.
    private func launch(
        _ task: ToolTask,
        work: @escaping Work,
        own: RequestContext,
        creating context: RequestContext,
        params: JSONValue?,
        timeout: Duration
    ) {
        let session = context.session
        own.annotate("task", .string(task.id))
        context.annotate("task", .string(task.id))
        if let name = params?["name"]?.stringValue { context.annotate("tool", .string(name)) }
        context.annotate("outcome", "task-created")
        // A task nobody was told about could never be fetched or cancelled: it goes with the answer.
        context.onUnanswered { [self, weak task] in
            if let task { revoke(task, reason: "The request that made the task was not answered.") }
        }
        task.attach(
            Task {
                let answer = await Self.run(work, context: own, timeout: timeout)
                // The record is written before the answer can be fetched, as for any request.
                let unrecorded = session.recordDetached(own, result: answer, wasCancelled: task.status == .cancelled)
                task.keep(own.takeHeld())
                // A cancelled task was announced when it was cancelled; it stays so.
                task.finish(unrecorded.map { .failure($0) } ?? answer) { self.announce(task, on: session) }
            }
        )
    }

    /// What ends first in ``run(_:context:timeout:)``.
    private enum Step: Sendable {
        case answer(Result<JSONValue, JSONRPCError>)
        case deadline
        case stopped
    }

    /// Runs the work until it answers or its deadline passes; past it the work is cancelled and
    /// its (cancelled) answer awaited.
    static func run(
        _ work: @escaping Work,
        context: RequestContext,
        timeout: Duration
    ) async -> Result<JSONValue, JSONRPCError> {
        await withTaskGroup(of: Step.self) { group in
            group.addTask {
                do throws(JSONRPCError) {
                    return .answer(.success(try await work(context)))
                } catch {
                    return .answer(.failure(error))
                }
            }
            group.addTask {
                // Approvals push the deadline back (`extendDeadline`): re-read after each sleep.
                while !Task.isCancelled {
                    let deadline = context.receivedAt + timeout + context.deadlineExtension
                    if ContinuousClock.now >= deadline { return .deadline }
                    try? await Task.sleep(until: deadline, clock: .continuous)
                }
                return .stopped
            }
            while let step = await group.next() {
                switch step {
                case .answer(let answer):
                    group.cancelAll()
                    return answer
                case .deadline:
                    if context.markTimedOut() { group.cancelAll() }
                case .stopped:
                    break
                }
            }
            return .failure(.internalError("the task ended without an answer"))
        }
    }

    /// The task `id` if `owner` may see it.
    /// - Throws: -32602 "Task not found" otherwise.
    func find(_ id: JSONValue?, owner: ToolTask.Owner) throws(JSONRPCError) -> ToolTask {
        guard let text = id?.stringValue else { throw .invalidParams("\"taskId\" must be a string") }
        let found = state.withLock { state -> ToolTask? in
            purge(&state)
            guard let task = state.tasks[text], task.owner == owner else { return nil }
            return task
        }
        guard let found else { throw .invalidParams("Failed to retrieve task: Task not found") }
        return found
    }

    /// The tasks `owner` may see, oldest first.
    func tasks(of owner: ToolTask.Owner) -> [ToolTask] {
        state.withLock { state in
            purge(&state)
            return state.tasks.values.filter { $0.owner == owner }.sorted { $0.sequence < $1.sequence }
        }
    }

    /// Cancels every task of a session that ended, and waits (a little) for their records.
    func sessionEnded(_ session: MCPSession, client: ClientContext, wait: Duration = .seconds(5)) async {
        let owner = ToolTask.Owner(client: client.id, session: session.id)
        let ended = state.withLock { state -> [ToolTask] in
            let mine = state.tasks.values.filter { $0.owner == owner }
            for task in mine { state.tasks.removeValue(forKey: task.id) }
            return mine
        }
        await Self.end(ended, reason: "The session ended.", wait: wait)
    }

    /// Cancels a task and drops it from the store, once its run has stopped (a reload took its
    /// client's rights): nobody may see it again.
    func revoke(_ task: ToolTask, reason: String) {
        try? task.cancel(reason: reason)
        state.withLock { state in
            if task.hasAnswer { state.tasks.removeValue(forKey: task.id) }
        }
    }

    /// Cancels every task left — those of the tasks extension, which outlive their connection —
    /// as the server stops, and waits (a little) for their records.
    func stopAll(wait: Duration = .seconds(5)) async {
        let ended = state.withLock { state -> [ToolTask] in
            defer { state.tasks.removeAll() }
            return Array(state.tasks.values)
        }
        await Self.end(ended, reason: "The server stopped.", wait: wait)
    }

    private static func end(_ ended: [ToolTask], reason: String, wait: Duration) async {
        guard !ended.isEmpty else { return }
        for task in ended { try? task.cancel(reason: reason) }
        let works = ended.compactMap(\.work)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for work in works { await work.value }
            }
            group.addTask { try? await Task.sleep(for: wait) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Sends the task's state on every change, so a client need not poll (optional in both
    /// specifications): `notifications/tasks/status` on 2025-11-25 to the task's session;
    /// `notifications/tasks` with the detailed task under the extension to every 2026-07-28
    /// session of the task's client (``setClientSessions(_:)``; the task is the client's, and a
    /// stateless client listens in another request than the one that made it), where only the
    /// listens that named the task receive it (``ListenFilter/taskIDs``).
    func announce(_ task: ToolTask, on session: MCPSession) {
        switch task.flavor {
        case .core:
            session.notify(method: "notifications/tasks/status", params: task.json)
        case .tasksExtension:
            let sessions = clientSessions.withLock { $0 }.map { $0(task.owner.client) } ?? [session]
            let params = task.detailedJSON
            for each in sessions where each.isModern {
                each.notify(method: TasksExtension.statusNotification, params: params)
            }
        }
    }

    /// Where ``announce(_:on:)`` finds a client's sessions: the service's live ones.
    func setClientSessions(_ lookup: @escaping @Sendable (_ client: String) -> [MCPSession]) {
        clientSessions.withLock { $0 = lookup }
    }

    /// The granted TTL: the requested one (or the default), at least the client's timeout plus a
    /// minute so the answer outlives the run, at most ``Limits/maximumTTLMs``.
    func ttlMilliseconds(_ request: JSONValue, client: ClientContext) throws(JSONRPCError) -> Int {
        guard case .object(let members) = request else { throw .invalidParams("\"task\" must be an object") }
        var requested = limits.defaultTTLMs
        switch members["ttl"] {
        case nil, .null?: break
        case .int(let value)? where value >= 0: requested = Int(clamping: value)
        default: throw .invalidParams("task.ttl must be a whole number of milliseconds")
        }
        let floor = client.limits.timeoutMs + limits.minimumTTLBeyondTimeoutMs
        return min(limits.maximumTTLMs, max(requested, floor))
    }

    /// Refuses a new task of `owner` before any gate runs when its runs are at the cap already, so a
    /// person is never asked about (nor a `requestState` spent on) a call that could not start.
    func checkRoom(owner: ToolTask.Owner) throws(JSONRPCError) {
        let working = state.withLock { state in state.tasks.values.filter { $0.owner == owner && !$0.hasAnswer }.count }
        guard working < limits.maximumWorking else { throw Self.busy(working, limits.maximumWorking) }
    }

    private static func busy(_ working: Int, _ maximum: Int) -> JSONRPCError {
        JSONRPCError(
            code: JSONRPCError.serverBusyCode,
            message: "This session runs \(working) tasks already (at most \(maximum)); "
                + "wait for one to end or cancel one (tasks/cancel)"
        )
    }

    /// Registers a new task for `owner`, within the session's bounds.
    private func admit(
        owner: ToolTask.Owner,
        ttlMs: Int,
        flavor: ToolTask.Flavor,
        toolName: String? = nil
    ) throws(JSONRPCError) -> ToolTask {
        try state.withLock { state throws(JSONRPCError) -> ToolTask in
            purge(&state)
            let mine = state.tasks.values.filter { $0.owner == owner }
            // A cancelled run still counts until it has stopped: the cap bounds runs, not statuses.
            let working = mine.filter { !$0.hasAnswer }.count
            guard working < limits.maximumWorking else { throw Self.busy(working, limits.maximumWorking) }
            if mine.count >= limits.maximumRetained {
                // Room is made by dropping the oldest ended task (its TTL is a "may keep", not a promise).
                // Only a task whose run has ended, so nothing still running leaves the store (and the
                // wait at shutdown).
                guard let oldest = mine.filter(\.hasAnswer).min(by: { $0.sequence < $1.sequence }) else {
                    throw JSONRPCError(
                        code: JSONRPCError.serverBusyCode,
                        message: "This session holds \(mine.count) tasks; fetch or cancel some first"
                    )
                }
                state.tasks.removeValue(forKey: oldest.id)
            }
            let task = ToolTask(
                id: Self.makeID(),
                owner: owner,
                sequence: state.nextSequence,
                ttlMs: ttlMs,
                pollIntervalMs: limits.pollIntervalMs,
                flavor: flavor,
                toolName: toolName
            )
            state.nextSequence += 1
            state.tasks[task.id] = task
            return task
        }
    }

    /// Drops the ended tasks whose TTL has passed.
    private func purge(_ state: inout State) {
        let now = ContinuousClock.now
        for (id, task) in state.tasks where task.isExpired(at: now) { state.tasks.removeValue(forKey: id) }
    }

    /// `t-` and 32 hex digits from the system's random number generator.
    static func makeID() -> String {
        "t-" + SessionID.make().dropFirst(2)
    }
}

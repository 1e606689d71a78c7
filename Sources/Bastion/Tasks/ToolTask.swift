import BastionProtocol
import BastionSecurity
import Synchronization

/// One `tools/call` run as a task: task-augmented by the client (2025-11-25 tasks.mdx), or made a
/// task by the server under the tasks extension (2026-07-28, SEP-2663). Its status, and the call's
/// answer once the call has ended.
///
/// The answer is kept exactly as the call would have returned it — a result or a JSON-RPC error —
/// so `tasks/result` (or the extension's `tasks/get`) gives out the same thing. A cancelled task
/// stays `cancelled` whatever its call returns afterwards.
final class ToolTask: Sendable {
    /// Which specification the task follows: they name and end their tasks differently.
    enum Flavor: Sendable, Hashable {
        /// 2025-11-25: `ttl`/`pollInterval`; a tool result with `isError` is `failed`.
        case core
        /// The tasks extension: `ttlMs`/`pollIntervalMs`; `failed` only for a JSON-RPC error, a
        /// tool result with `isError` is `completed` (it is a result).
        case tasksExtension
    }

    /// Who may see the task: the client that created it, on the session it created it on.
    struct Owner: Sendable, Hashable {
        var client: String
        var session: String
    }

    /// The task id: 128 random bits (unguessable, like a session id).
    let id: String
    let owner: Owner
    /// Creation order, for `tasks/list`.
    let sequence: Int
    let createdAt: String
    let created: ContinuousClock.Instant
    /// How long the task is kept after its creation (once it has ended), in milliseconds.
    let ttlMs: Int
    /// The polling interval suggested to the client, in milliseconds.
    let pollIntervalMs: Int
    let flavor: Flavor
    /// The tool the task calls, when known: its rights are checked again on every task request.
    let toolName: String?

    private struct State {
        var status = TaskStatus.working
        var message: String?
        var updatedAt: String
        var answer: Result<JSONValue, JSONRPCError>?
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var work: Task<Void, Never>?
        /// What the call reserved for its answer (memory budget), kept as long as the answer is.
        var held: [any AnyObject & Sendable] = []
    }

    private let state: Mutex<State>

    init(
        id: String,
        owner: Owner,
        sequence: Int,
        ttlMs: Int,
        pollIntervalMs: Int,
        flavor: Flavor = .core,
        toolName: String? = nil
    ) {
        self.id = id
        self.toolName = toolName
        self.flavor = flavor
        self.owner = owner
        self.sequence = sequence
        self.ttlMs = ttlMs
        self.pollIntervalMs = pollIntervalMs
        let now = Self.timestamp()
        self.createdAt = now
        self.created = .now
        self.state = Mutex(State(message: "The call is running.", updatedAt: now))
    }

    /// The current status.
    var status: TaskStatus { state.withLock { $0.status } }

    /// The `Task` object of `tasks/get`, `tasks/list`, `tasks/cancel` and status notifications.
    var json: JSONValue {
        state.withLock { .object(members(of: $0, suffix: "")) }
    }

    /// The members both specifications share; they differ in the unit suffix of two names.
    private func members(of state: State, suffix: String) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "taskId": .string(id), "status": .string(state.status.rawValue), "createdAt": .string(createdAt),
            "lastUpdatedAt": .string(state.updatedAt), "ttl" + suffix: .int(Int64(ttlMs)),
            "pollInterval" + suffix: .int(Int64(pollIntervalMs)),
        ]
        if let message = state.message { members["statusMessage"] = .string(message) }
        return members
    }

    /// The `DetailedTask` of the tasks extension (`tasks/get`, `notifications/tasks`): the task, and
    /// its result once `completed` or its JSON-RPC error once `failed`.
    var detailedJSON: JSONValue {
        state.withLock { state in
            var members = members(of: state, suffix: "Ms")
            switch (state.status, state.answer) {
            case (.completed, .success(let result)?): members["result"] = result
            case (.failed, .failure(let error)?): members["error"] = error.json
            default: break
            }
            return .object(members)
        }
    }

    /// Whether the task has ended and outlived its TTL.
    func isExpired(at now: ContinuousClock.Instant) -> Bool {
        now >= created + .milliseconds(ttlMs) && state.withLock { $0.status.isTerminal && $0.answer != nil }
    }

    /// Keeps the task's work, so that cancelling the task cancels it.
    func attach(_ work: Task<Void, Never>) {
        let cancelled = state.withLock { state -> Bool in
            state.work = work
            return state.status == .cancelled
        }
        if cancelled { work.cancel() }
    }

    /// Keeps what the call reserved for its answer until the task is dropped: a kept answer
    /// stays counted in the memory budget.
    func keep(_ held: [any AnyObject & Sendable]) {
        state.withLock { $0.held += held }
    }

    /// Whether the call's answer is in (its run has ended), whatever the status says.
    var hasAnswer: Bool { state.withLock { $0.answer != nil } }

    /// The work, for waiting on it at shutdown.
    var work: Task<Void, Never>? { state.withLock { $0.work } }

    /// `working` ⇄ `input_required` while the call waits for the person behind the client.
    /// - Returns: Whether the status changed.
    func awaitInput(_ isWaiting: Bool) -> Bool {
        state.withLock { state in
            let next: TaskStatus = isWaiting ? .inputRequired : .working
            guard !state.status.isTerminal, state.status != next else { return false }
            state.status = next
            state.message = isWaiting ? "Waiting for your approval (elicitation)." : "The call is running."
            state.updatedAt = Self.timestamp()
            return true
        }
    }

    /// Stores the call's answer and ends the task: `failed` for an error (and, on 2025-11-25, for
    /// an `isError` result), else `completed` — unless it was cancelled, which it stays.
    /// - Parameters:
    ///   - answer: The call's answer.
    ///   - onChange: Called when the status changed, before anyone waiting in `tasks/result` is
    ///     woken, so the status notification always comes before that answer.
    /// - Returns: Whether the status changed.
    @discardableResult
    func finish(_ answer: Result<JSONValue, JSONRPCError>, onChange: () -> Void = {}) -> Bool {
        let (changed, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard state.answer == nil else { return (false, []) }
            state.answer = answer
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            state.work = nil
            guard !state.status.isTerminal else { return (false, waiters) }
            switch answer {
            case .success(let result) where result["isError"] == true:
                state.status = flavor == .core ? .failed : .completed
                state.message = "The tool reported an error: " + Self.summary(of: result)
            case .success:
                state.status = .completed
                state.message = nil
            case .failure(let error):
                state.status = .failed
                state.message = "The call failed: \(error.message)"
            }
            state.updatedAt = Self.timestamp()
            return (true, waiters)
        }
        if changed { onChange() }
        for waiter in waiters { waiter.resume() }
        return changed
    }

    /// Moves the task to `cancelled` and cancels its work.
    /// - Parameter reason: The status message.
    /// - Throws: -32602 when the task has ended already (tasks.mdx).
    func cancel(reason: String) throws(JSONRPCError) {
        let work = try state.withLock { state throws(JSONRPCError) -> Task<Void, Never>? in
            guard !state.status.isTerminal else {
                throw .invalidParams("Cannot cancel task: already in terminal status '\(state.status.rawValue)'")
            }
            state.status = .cancelled
            state.message = reason
            state.updatedAt = Self.timestamp()
            return state.work
        }
        work?.cancel()
    }

    /// The call's answer, once it has ended: waits while it runs. Returns `nil` when the waiting
    /// task is cancelled first.
    func answer() async -> Result<JSONValue, JSONRPCError>? {
        let key = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.answer != nil || Task.isCancelled { return true }
                    state.waiters[key] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: key) }?.resume()
        }
        return state.withLock { $0.answer }
    }

    /// The first text of a tool result, cut to 200 bytes (secrets masked), for a status message.
    static func summary(of result: JSONValue) -> String {
        let text = result["content"]?.arrayValue?.first?["text"]?.stringValue ?? "no message"
        let cut = AuditingObserver.prefix(text, bytes: 200)
        return cut.utf8.count < text.utf8.count ? cut + "…" : cut
    }

    /// Now, as an RFC 3339 UTC timestamp.
    static func timestamp() -> String { AuditTimestamp.now() }
}

import Synchronization

/// Every process session of the server, each bound to the client and MCP session that started it.
///
/// Another owner asking for a session gets the same "no such session" as for an id that never
/// existed (no existence oracle). A client may run at most `limits.sessions` sessions at once; an
/// ended session stays readable for ``endedRetentionNs`` (its final output, its exit status), then
/// it is dropped. When an MCP session ends, its sessions' processes are killed.
public final class ProcessSessionTable: Sendable {
    /// Called when a session's process ended (the audit's end record).
    public typealias EndRecorder = @Sendable (ProcessSession, ExecutionResult) -> Void

    /// How long an ended session stays readable.
    public let endedRetentionNs: UInt64

    private struct State {
        var sessions: [String: ProcessSession] = [:]
        var recorder: EndRecorder?
        var isStopped = false
    }
    private let state = Mutex(State())

    /// Creates an empty table.
    /// - Parameter endedRetentionMs: How long an ended session stays readable (default 2 min).
    public init(endedRetentionMs: Int = 120_000) {
        self.endedRetentionNs = UInt64(max(0, endedRetentionMs)) * 1_000_000
    }

    /// Sets what records the end of every session's process.
    /// - Parameter recorder: Called on the supervisor's thread once per session.
    public func setEndRecorder(_ recorder: @escaping EndRecorder) {
        state.withLock { $0.recorder = recorder }
    }

    /// Calls the recorder set when the session ends (it may be set after the session started).
    var endRecorder: EndRecorder {
        { [self] session, result in state.withLock { $0.recorder }?(session, result) }
    }

    /// Adds a session unless its client already runs `cap` sessions or the server stopped.
    /// - Throws: ``ExecutionError`` `busy`.
    func insert(_ session: ProcessSession, cap: Int) throws(ExecutionError) {
        try state.withLock { state throws(ExecutionError) in
            purge(&state)
            guard !state.isStopped else {
                throw ExecutionError(.busy, "the server is stopping; no new process is started")
            }
            let running = state.sessions.values.filter { $0.owner.client == session.owner.client && $0.isRunning }
            guard running.count < max(1, cap) else {
                throw ExecutionError(
                    .busy,
                    "this client already runs \(running.count) process sessions (limits.sessions = \(max(1, cap))); "
                        + "kill one (kill_process) or wait for one to end"
                )
            }
            // Ended sessions are kept for reading, but not without bound: the oldest make room.
            let ended = state.sessions.values.filter { $0.owner.client == session.owner.client && !$0.isRunning }
            for old in ended.sorted(by: { $0.startedAtMs < $1.startedAtMs }).prefix(
                max(0, ended.count - 2 * max(1, cap) + 1)
            ) {
                state.sessions.removeValue(forKey: old.id)
            }
            state.sessions[session.id] = session
        }
    }

    /// Forgets a session whose process never started.
    func discard(_ session: ProcessSession) {
        _ = state.withLock { $0.sessions.removeValue(forKey: session.id) }
    }

    /// The session `id` if `owner` started it.
    /// - Throws: ``ExecutionError`` `notFound`, the same for another owner's id as for an unknown one.
    public func find(_ id: String, owner: ProcessSession.Owner) throws(ExecutionError) -> ProcessSession {
        let found = state.withLock { state -> ProcessSession? in
            purge(&state)
            guard let session = state.sessions[id], session.owner == owner else { return nil }
            return session
        }
        guard let found else {
            throw ExecutionError(.notFound, "no such session \"\(ExecutionEnvironment.shown(id))\"")
        }
        return found
    }

    /// The sessions `owner` started, oldest first.
    public func sessions(of owner: ProcessSession.Owner) -> [ProcessSession] {
        state.withLock { state in
            purge(&state)
            return state.sessions.values.filter { $0.owner == owner }.sorted { $0.startedAtMs < $1.startedAtMs }
        }
    }

    /// How many sessions run now, for every owner (tests, diagnostics).
    public var runningCount: Int { state.withLock { $0.sessions.values.filter(\.isRunning).count } }

    /// Kills every process of an MCP session that ended and forgets its sessions, waiting (a
    /// little) for the processes to be reaped so their end records are written.
    /// - Parameters:
    ///   - owner: The client and MCP session that ended.
    ///   - wait: The longest wait for the processes to end.
    public func sessionEnded(_ owner: ProcessSession.Owner, wait: Duration = .seconds(5)) async {
        let ended = state.withLock { state -> [ProcessSession] in
            let mine = state.sessions.values.filter { $0.owner == owner }
            for session in mine { state.sessions.removeValue(forKey: session.id) }
            return mine
        }
        await stop(ended, wait: wait)
    }

    /// Kills every session's process and refuses new ones (server shutdown).
    /// - Parameter wait: The longest wait for the processes to end.
    public func stopAll(wait: Duration = .seconds(5)) async {
        let all = state.withLock { state -> [ProcessSession] in
            state.isStopped = true
            return Array(state.sessions.values)
        }
        await stop(all, wait: wait)
    }

    private func stop(_ sessions: [ProcessSession], wait: Duration) async {
        for session in sessions where session.isRunning { session.stop() }
        let deadline = ContinuousClock.now + wait
        for session in sessions { await session.waitUntilEnded(deadline: deadline) }
    }

    /// Drops the sessions that ended longer than ``endedRetentionNs`` ago.
    private func purge(_ state: inout State) {
        let now = SessionClock.monotonicNs()
        for (id, session) in state.sessions {
            if let endedAt = session.endedAt, now >= endedAt &+ endedRetentionNs {
                state.sessions.removeValue(forKey: id)
            }
        }
    }
}

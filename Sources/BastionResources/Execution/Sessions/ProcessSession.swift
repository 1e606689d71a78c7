import Synchronization

/// A long-lived sandboxed process (a REPL, a build) that a client drives call by call: its output
/// kept in bounded buffers with absolute offsets, its stdin open for writes, its end recorded.
///
/// The supervisor's thread feeds it (output, the end) and takes the input written; tool calls
/// read, write and signal it from any task. Reads wait on a continuation, never a blocked thread.
public final class ProcessSession: Sendable {
    /// Who may see a session: the client and the MCP session that started it.
    public struct Owner: Sendable, Hashable {
        /// The client id.
        public var client: String
        /// The MCP session id.
        public var session: String

        /// Creates an owner.
        public init(client: String, session: String) {
            self.client = client
            self.session = session
        }
    }

    /// Which output stream.
    enum Stream: Sendable { case stdout, stderr }

    /// What a read returns: the new output of both streams and the state of the process.
    public struct Reading: Sendable, Hashable {
        /// Standard output from the offset asked for.
        public var stdout: SessionOutputBuffer.Slice
        /// Standard error from the offset asked for.
        public var stderr: SessionOutputBuffer.Slice
        /// Whether the process still runs.
        public var isRunning: Bool
        /// How it ended, once it did.
        public var outcome: ProcessOutcome?
    }

    /// The most bytes of input waiting to be written to the process at once.
    public static let maximumPendingInput = 1 << 20

    /// The session id (`p-` and 32 hex digits).
    public let id: String
    /// Who may see it.
    public let owner: Owner
    /// A short description of what runs (argv or language), for `list_processes`.
    public let summary: String
    /// When it started, in milliseconds since the Unix epoch.
    public let startedAtMs: Int64
    let control: RunControl
    private let onEnd: @Sendable (ProcessSession, ExecutionResult) -> Void

    private struct State {
        var stdout: SessionOutputBuffer
        var stderr: SessionOutputBuffer
        var stdoutRead = 0
        var stderrRead = 0
        var pendingInput: [UInt8] = []
        var closeInput = false
        var isInputClosed = false
        var result: ExecutionResult?
        var endedAt: UInt64?
        var lastActivity: UInt64
        var lastActivityMs: Int64
        var pid: Int32?
        var policy: SandboxPolicy?
        var isIdleExpired = false
        var killSignal: String?
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var cancelledWaiters: Set<UInt64> = []
    }
    private let state: Mutex<State>

    init(
        id: String,
        owner: Owner,
        summary: String,
        capacity: Int,
        control: RunControl,
        onEnd: @escaping @Sendable (ProcessSession, ExecutionResult) -> Void
    ) {
        self.id = id
        self.owner = owner
        self.summary = summary
        self.control = control
        self.onEnd = onEnd
        let now = SessionClock.wallMs()
        self.startedAtMs = now
        self.state = Mutex(
            State(
                stdout: SessionOutputBuffer(capacity: capacity),
                stderr: SessionOutputBuffer(capacity: capacity),
                lastActivity: SessionClock.monotonicNs(),
                lastActivityMs: now
            )
        )
    }

    // MARK: - The client's side

    /// Whether the process still runs.
    public var isRunning: Bool { state.withLock { $0.result == nil } }
    /// The process id of `sandbox-exec` (the group leader), while known.
    public var pid: Int32? { state.withLock { $0.pid } }
    /// How it ended, once it did.
    public var result: ExecutionResult? { state.withLock { $0.result } }
    /// The policy `sandbox-exec` was given, once spawned.
    public var policy: SandboxPolicy? { state.withLock { $0.policy } }
    /// The last call that touched it, in milliseconds since the Unix epoch.
    public var lastActivityMs: Int64 { state.withLock { $0.lastActivityMs } }
    /// When it ended (monotonic nanoseconds), once it did.
    var endedAt: UInt64? { state.withLock { $0.endedAt } }
    /// When a call last touched it (monotonic nanoseconds).
    var lastActivity: UInt64 { state.withLock { $0.lastActivity } }

    /// Marks the session as used now (idle expiry counts from the last call).
    public func touch() {
        let (now, wall) = (SessionClock.monotonicNs(), SessionClock.wallMs())
        state.withLock {
            $0.lastActivity = now
            $0.lastActivityMs = wall
        }
    }

    /// Queues bytes for the process's stdin and optionally closes it after them.
    /// - Throws: ``ExecutionError`` `invalidRequest` when the process ended or its stdin is closed,
    ///   `busy` when more than ``maximumPendingInput`` bytes would wait.
    public func write(_ bytes: [UInt8], close: Bool) throws(ExecutionError) {
        touch()
        try state.withLock { state throws(ExecutionError) in
            guard state.result == nil else {
                throw ExecutionError(.invalidRequest, "the process has exited; nothing can be written to it")
            }
            guard !state.closeInput, !state.isInputClosed else {
                throw ExecutionError(.invalidRequest, "the process's standard input is closed")
            }
            guard state.pendingInput.count + bytes.count <= Self.maximumPendingInput else {
                throw ExecutionError(
                    .busy,
                    "the process has not read the input written before; at most \(Self.maximumPendingInput) bytes "
                        + "may wait (try again once it reads)"
                )
            }
            state.pendingInput += bytes
            if close { state.closeInput = true }
        }
        control.wake()
    }

    /// Asks for a signal to the whole run (see ``RunControl/signal(_:)``).
    public func kill(signal: Int32) {
        touch()
        let isRunning = state.withLock { state -> Bool in
            guard state.result == nil else { return false }
            state.killSignal = ProcessOutcome.signalName(signal)
            return true
        }
        if isRunning { control.signal(signal) }
    }

    /// Kills the run at once, for the server (session end, shutdown).
    func stop() { control.stop(.shutdown) }

    /// Whether the run was killed for being idle past `session_idle_ms`.
    public var isIdleExpired: Bool { state.withLock { $0.isIdleExpired } }
    /// The signal `kill_process` asked for, if it was called while the process ran.
    public var killSignal: String? { state.withLock { $0.killSignal } }

    /// The output from the given offsets (default: where the last read stopped), waiting up to
    /// `wait` for new output when there is none yet and the process runs.
    /// - Parameters:
    ///   - stdoutOffset: Absolute offset in standard output, or `nil` for the next unread byte.
    ///   - stderrOffset: Absolute offset in standard error, or `nil` for the next unread byte.
    ///   - wait: The longest wait for new output.
    /// - Returns: The output and the state.
    public func read(stdoutOffset: Int?, stderrOffset: Int?, wait: Duration) async -> Reading {
        touch()
        let deadline = ContinuousClock.now + wait
        while true {
            let (reading, generation) = state.withLock { state -> (Reading, UInt64) in
                let reading = Self.reading(state, stdoutOffset, stderrOffset)
                return (reading, state.generation)
            }
            let hasOutput = !reading.stdout.bytes.isEmpty || !reading.stderr.bytes.isEmpty
            if hasOutput || !reading.isRunning || ContinuousClock.now >= deadline || Task.isCancelled {
                state.withLock { state in
                    state.stdoutRead = reading.stdout.nextOffset
                    state.stderrRead = reading.stderr.nextOffset
                }
                touch()  // a long wait counts as activity: idle time starts when the read returns
                return reading
            }
            await waitForChange(since: generation, until: deadline)
        }
    }

    private static func reading(_ state: State, _ stdoutOffset: Int?, _ stderrOffset: Int?) -> Reading {
        let isRunning = state.result == nil
        func slice(_ buffer: SessionOutputBuffer, _ offset: Int) -> SessionOutputBuffer.Slice {
            var slice = buffer.read(from: offset)
            // A running process may be midway through a character: keep its first bytes for later.
            if isRunning {
                let complete = SessionOutputBuffer.completeUTF8Prefix(slice.bytes)
                slice.nextOffset -= slice.bytes.count - complete
                slice.bytes.removeLast(slice.bytes.count - complete)
            }
            return slice
        }
        return Reading(
            stdout: slice(state.stdout, stdoutOffset ?? state.stdoutRead),
            stderr: slice(state.stderr, stderrOffset ?? state.stderrRead),
            isRunning: isRunning,
            outcome: state.result?.outcome
        )
    }

    /// Returns once the process ended, or after `timeout`.
    public func waitForEnd(timeout: Duration) async {
        await waitUntilEnded(deadline: ContinuousClock.now + timeout)
    }

    /// Returns once the run ended, or at `deadline`.
    func waitUntilEnded(deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            let (isRunning, generation) = state.withLock { ($0.result == nil, $0.generation) }
            guard isRunning else { return }
            await waitForChange(since: generation, until: deadline)
        }
    }

    /// Returns when the output or state changed after `generation`, at `deadline`, or on cancellation.
    func waitForChange(since generation: UInt64, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.changed(since: generation) }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
        }
    }

    private func changed(since generation: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isDone = state.withLock { state -> Bool in
                    if state.cancelledWaiters.remove(id) != nil || state.generation != generation { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if isDone { continuation.resume() }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiting = state.waiters.removeValue(forKey: id) else {
                    state.cancelledWaiters.insert(id)
                    return nil
                }
                return waiting
            }
            waiting?.resume()
        }
    }

    // MARK: - The supervisor's side

    /// Records the group leader's pid and the policy once spawned.
    func started(pid: Int32, policy: SandboxPolicy) {
        state.withLock {
            $0.pid = pid
            $0.policy = policy
        }
    }

    /// Output read from the process.
    func receive(_ stream: Stream, _ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        changing { state in
            switch stream {
            case .stdout: state.stdout.append(bytes)
            case .stderr: state.stderr.append(bytes)
            }
        }
    }

    /// The input written since the last call, and whether stdin is to be closed after it.
    func takeInput() -> (bytes: [UInt8], close: Bool) {
        state.withLock { state in
            let bytes = state.pendingInput
            state.pendingInput = []
            return (bytes, state.closeInput)
        }
    }

    /// The supervisor killed the run for being idle.
    func expiredIdle() { state.withLock { $0.isIdleExpired = true } }

    /// The process's stdin is closed (asked for, or the process is gone).
    func inputClosed() { state.withLock { $0.isInputClosed = true } }

    /// The run ended: the result is kept for readers and the end is recorded.
    func ended(_ result: ExecutionResult) {
        let now = SessionClock.monotonicNs()
        changing { state in
            state.result = result
            state.endedAt = now
            state.pendingInput = []
        }
        onEnd(self, result)
    }

    /// Applies a change and wakes every waiting reader.
    private func changing(_ body: (inout State) -> Void) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            body(&state)
            state.generation &+= 1
            let waiting = Array(state.waiters.values)
            state.waiters = [:]
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Bytes each stream has produced so far (for the end record).
    public var producedBytes: (stdout: Int, stderr: Int) {
        state.withLock { ($0.stdout.endOffset, $0.stderr.endOffset) }
    }
}

import BastionProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The engine behind ``AuditLogger``: the chain state, the file, rotation and group commit.
///
/// A class apart from the logger so the group-commit thread can hold it while the logger's
/// `deinit` tells the thread to stop.
final class AuditWriter: Sendable {
    struct State {
        var file: AuditFile
        var sequence: Int64 = 0
        var lastHash = AuditCanonicalForm.genesisHash
        /// The file's size after this writer's last write; -1 until known (read the tail first).
        var end: Int64 = -1
        /// Records written since the last sync (batch) or head write.
        var isDirty = false
        /// Why the last write failed; `nil` while the log is healthy.
        var failure: AuditError?
        /// Records that could not be written since the failure.
        var lostCount: Int64 = 0
        /// The line buffer, reused so the hot path does not allocate one per record.
        var line: [UInt8] = []
    }

    /// The group-commit window: records are synced (batch) and the head written this long after the
    /// first record since the last sync, so never more than ~100 ms after any record.
    static let commitWindow = Duration.milliseconds(50)

    let path: String
    let headPath: String
    let policy: AuditSyncPolicy
    let rotation: AuditRotation
    let syslog: AuditSyslogSender?
    let state: Mutex<State>
    /// Read without the lock on the request path (the gate), written under it.
    let isHealthy = Atomic<Bool>(true)
    let isStopped = Atomic<Bool>(false)
    /// The group-commit thread, `nil` if it could not be started (then the request path syncs).
    private let committer = Mutex<AuditThread?>(nil)
    /// Held for a whole commit cycle, so a cycle run from elsewhere (``AuditLogger/commitNow()``)
    /// returns only once a concurrent one has written its head. Never taken on the request path
    /// while the committer thread runs.
    let commitLock = Mutex(())

    init(path: String, policy: AuditSyncPolicy, rotation: AuditRotation, syslog: AuditSyslogSender?) throws(AuditError)
    {
        self.path = path
        self.headPath = AuditChainHead.path(for: path)
        self.policy = policy
        self.rotation = rotation
        self.syslog = syslog
        var initial = State(file: try AuditFile(path: path))
        initial.line.reserveCapacity(1024)
        self.state = Mutex(initial)
    }

    /// Starts the group-commit thread; it holds the writer until ``stop()``.
    func startCommitter() {
        let thread = AuditThread.start { [self] thread in commitLoop(thread) }
        committer.withLock { $0 = thread }
    }

    /// Asks the group-commit thread to do a last cycle and end.
    func stop() {
        isStopped.store(true, ordering: .releasing)
        committer.withLock { $0?.wake() }
        syslog?.stop()
    }

    /// Appends one record under the process lock and the file lock; with no body, only brings a
    /// failed log back (see ``retry()``).
    ///
    /// - Returns: The record's `seq` (without a body, the last `seq`), or the failure.
    func append(_ body: AuditRecordBody?, syslogFields: AuditSyslogFields) -> Result<Int64, AuditError> {
        let (result, shouldWake) = state.withLock { state -> (Result<Int64, AuditError>, Bool) in
            let wasDirty = state.isDirty
            let result = lockedAppend(body, syslogFields: syslogFields, &state)
            if case .failure = result, body != nil { state.lostCount += 1 }
            return (result, !wasDirty && state.isDirty)
        }
        // Outside the lock: one eventfd write per commit window at most.
        if shouldWake { wakeCommitter() }
        return result
    }

    private func wakeCommitter() {
        let isRunning = committer.withLock { thread -> Bool in
            thread?.wake()
            return thread != nil
        }
        if !isRunning { commitCycle() }
    }

    /// `append` under the process lock: takes the file lock, catches up with other writers,
    /// rotates if due, writes.
    private func lockedAppend(
        _ body: AuditRecordBody?,
        syslogFields: AuditSyslogFields,
        _ state: inout State
    ) -> Result<Int64, AuditError> {
        flock(state.file.descriptor, LOCK_EX)
        // `state.file` may change below (reopen, rotation); unlock whichever is current at the end.
        defer { flock(state.file.descriptor, LOCK_UN) }
        // Hot path: one fstat per record is how this process learns that another one appended (the
        // size moved), rotated (the file lost its write bit) or that the file was deleted (no link).
        // The tail is read back only in those cases, never when this process is the only writer.
        guard var status = state.file.status() else { return fail(errno, "fstat", &state) }
        if AuditFile.isRetired(status) || (Int64(status.st_size) != state.end && isReplaced(status)) {
            do throws(AuditError) {
                status = try reopen(&state)
            } catch {
                return fail(error, &state)
            }
        }
        var size = Int64(status.st_size)
        var isTorn = false
        if size != state.end {
            let tail = AuditTail.read(descriptor: state.file.descriptor, size: size)
            (state.sequence, state.lastHash, isTorn) = (tail.sequence, tail.hash, tail.isTorn)
        }
        if state.failure != nil, let error = recover(&state, size: &size, isTorn: &isTorn) {
            return .failure(error)
        }
        guard let body else { return .success(state.sequence) }
        if isTorn, let error = recoverFromTornRecord(&state, size: &size, isTorn: &isTorn) { return .failure(error) }
        if rotation.maxBytes > 0, size > 0, size + Int64(body.estimatedLineLength) > rotation.maxBytes,
            rotate(&state)
        {
            size = state.end
            isTorn = false
        }
        return write(body, syslogFields: syslogFields, size: size, isTorn: isTorn, &state)
    }

    /// Writes one line at the end of the current file and advances the chain.
    func write(
        _ body: AuditRecordBody,
        syslogFields: AuditSyslogFields,
        size: Int64,
        isTorn: Bool,
        _ state: inout State
    ) -> Result<Int64, AuditError> {
        state.line.removeAll(keepingCapacity: true)
        if isTorn { state.line.append(0x0A) }
        let sequence = state.sequence + 1
        let (hash, timestamp) = body.appendLine(sequence: sequence, previous: state.lastHash, to: &state.line)
        if let error = state.line.withUnsafeBytes({ state.file.writeAll($0) }) {
            // A failed or short write (ENOSPC) may have left part of the line: cut the file back to
            // where it ended, so it only ever holds whole records (the file lock is held: no other
            // writer appended meanwhile). If even that fails, the fragment stays, the next record
            // starts on a new line and the verifier reports the fragment (see `AuditChainChecker`).
            _ = ftruncate(state.file.descriptor, off_t(size))
            return fail(error, "write", &state)
        }
        state.end = size + Int64(state.line.count)
        (state.sequence, state.lastHash) = (sequence, hash)
        state.isDirty = true
        if policy == .always, fsync(state.file.descriptor) != 0 { return fail(errno, "fsync", &state) }
        syslog?.enqueue(line: state.line, timestamp: timestamp, sequence: sequence, hash: hash, fields: syslogFields)
        return .success(sequence)
    }

    func fail(_ code: Int32, _ call: String, _ state: inout State) -> Result<Int64, AuditError> {
        fail(AuditError(message: "\(call) \(path): \(String(cString: strerror(code)))"), &state)
    }

    /// Marks the log unhealthy (said once on stderr) and forgets where the file ends.
    func fail(_ error: AuditError, _ state: inout State) -> Result<Int64, AuditError> {
        if state.failure == nil {
            AuditWriter.report("bastion: audit log unavailable, refusing requests until it is writable: \(error)")
        }
        state.failure = error
        // A partial write may have left a torn line: the next attempt reads the tail again.
        state.end = -1
        isHealthy.store(false, ordering: .releasing)
        return .failure(error)
    }

    /// Before the first record after a failure: an `audit-recovered` record says how many were lost.
    private func recover(_ state: inout State, size: inout Int64, isTorn: inout Bool) -> AuditError? {
        let failure = state.failure?.message ?? ""
        let body = AuditRecordBody([
            "event": "audit-recovered", "lost": .int(state.lostCount), "error": .string(failure),
            "pid": .int(Int64(getpid())),
        ])
        let fields = AuditSyslogFields(event: "audit-recovered")
        if case .failure(let error) = write(body, syslogFields: fields, size: size, isTorn: isTorn, &state) {
            return error
        }
        AuditWriter.report("bastion: audit log writable again; \(state.lostCount) records were lost")
        state.failure = nil
        state.lostCount = 0
        isHealthy.store(true, ordering: .releasing)
        (size, isTorn) = (state.end, false)
        return nil
    }

    /// The file ends in a torn record (a crash cut a write short): an `audit-recovered` record, on a
    /// line of its own, says so right after the fragment, which the verifier then accepts.
    private func recoverFromTornRecord(_ state: inout State, size: inout Int64, isTorn: inout Bool) -> AuditError? {
        let body = AuditRecordBody([
            "event": "audit-recovered", "lost": 1, "error": "the log ended in a torn record (a write cut short)",
            "pid": .int(Int64(getpid())),
        ])
        let fields = AuditSyslogFields(event: "audit-recovered")
        if case .failure(let error) = write(body, syslogFields: fields, size: size, isTorn: true, &state) {
            return error
        }
        (size, isTorn) = (state.end, false)
        return nil
    }

    /// Whether the log is healthy, trying to write an `audit-recovered` record if it is not.
    ///
    /// - Returns: `nil` when records can be written, otherwise the failure.
    func retry() -> AuditError? {
        if isHealthy.load(ordering: .acquiring) { return nil }
        switch append(nil, syslogFields: AuditSyslogFields(event: "audit-recovered")) {
        case .success: return nil
        case .failure(let error): return error
        }
    }

    /// One line on stderr: an audit failure must reach the operator whatever the log level.
    static func report(_ text: String) {
        var line = Array((text + "\n").utf8)
        _ = line.withUnsafeMutableBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

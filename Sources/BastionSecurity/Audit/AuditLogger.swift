import BastionProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Appends hash-chained audit records as JSON lines to a file opened `O_APPEND`, never rewritten.
///
/// Every record carries `seq`, `ts`, `prev` (the previous record's `hash`, 64 zeros for the first
/// record of a file) and `hash`, the SHA-256 of its canonical form (``AuditCanonicalForm``). Each
/// record is numbered, chained and written with one `write(2)` under an exclusive `flock(2)` on the
/// file, so several processes sharing one audit file (two stdio servers with one configuration)
/// extend one chain: when the file's size is not where this logger left it, the last line is read
/// back for its `seq` and `hash` first.
///
/// After each sync (policy `batch`), and otherwise at most every 100 ms, and at ``flush()``, the
/// latest `{seq, hash}` is written to `<file>.head` (``AuditChainHead``) so that a truncated tail is
/// detected by `bastion audit verify`; records of the last ≤ 100 ms before a crash are covered only up
/// to the last head written.
public final class AuditLogger: Sendable {
    private struct State {
        var sequence: Int64 = 0
        var lastHash = AuditCanonicalForm.genesisHash
        /// The file's size after this logger's last write; -1 until known.
        var end: Int64 = -1
        var lastSync: ContinuousClock.Instant = .now
        var lastHead: ContinuousClock.Instant = .now
        var isDirty = false
    }

    /// The members the logger sets; an entry's own are dropped so they cannot forge the chain.
    private static let ownedKeys = ["seq", "ts", "prev", "hash"]

    /// How often, at most, the head file is rewritten (and a `batch` sync runs).
    static let headInterval = Duration.milliseconds(100)

    private let descriptor: Int32
    private let policy: AuditSyncPolicy
    private let state = Mutex(State())
    /// The file being written.
    public let path: String
    /// The head file kept beside it.
    public let headPath: String

    /// Opens (creating if needed, mode 0600, parent 0700) the audit file for appending.
    /// - Throws: ``AuditError`` when the file cannot be opened.
    public init(path: String, policy: AuditSyncPolicy) throws(AuditError) {
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty { Self.makeDirectories(parent) }
        // Read access only to find the last record when another process appended; writes always append.
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw AuditError(message: "cannot open audit log \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.policy = policy
        self.path = path
        self.headPath = AuditChainHead.path(for: path)
    }

    deinit {
        close(descriptor)
    }

    /// Writes one record; returns its sequence number.
    ///
    /// Members named `seq`, `ts`, `prev` or `hash` in the entry are dropped: the logger owns them.
    @discardableResult
    public func record(_ entry: AuditEntry) -> Int64 {
        var members = entry.members()
        for key in Self.ownedKeys { members[key] = nil }
        // Room for the three members added under the lock, so no rehash happens while it is held.
        members.reserveCapacity(members.count + 3)
        return state.withLock { state in
            flock(descriptor, LOCK_EX)
            defer { flock(descriptor, LOCK_UN) }
            let size = fileSize()
            var isTorn = false
            if size != state.end {
                let tail = AuditTail.read(descriptor: descriptor, size: size)
                (state.sequence, state.lastHash, isTorn) = (tail.sequence, tail.hash, tail.isTorn)
            }
            let sequence = state.sequence + 1
            members["seq"] = .int(sequence)
            members["ts"] = .string(AuditTimestamp.now())
            members["prev"] = .string(state.lastHash)
            let canonical = AuditCanonicalForm.encode(members)
            let hash = AuditCanonicalForm.hash(canonical)
            var line = AuditCanonicalForm.line(canonical: canonical, hash: hash)
            if isTorn { line.insert(0x0A, at: 0) }
            let isWritten = line.withUnsafeBytes { writeAll($0) }
            state.end = isWritten ? size + Int64(line.count) : -1
            (state.sequence, state.lastHash) = (sequence, hash)
            state.isDirty = true
            syncAndWriteHeadIfDue(&state)
            return sequence
        }
    }

    /// Forces buffered records to disk and writes the head file (at session end and shutdown).
    public func flush() {
        state.withLock { state in
            flock(descriptor, LOCK_EX)
            defer { flock(descriptor, LOCK_UN) }
            if state.isDirty { fsync(descriptor) }
            state.isDirty = false
            state.lastSync = .now
            let size = fileSize()
            guard size > 0 else { return }
            if size != state.end {
                let tail = AuditTail.read(descriptor: descriptor, size: size)
                (state.sequence, state.lastHash) = (tail.sequence, tail.hash)
                // A torn last line must be finished by the next record's leading line feed.
                state.end = tail.isTorn ? -1 : size
            }
            writeHead(&state)
        }
    }

    /// Syncs per the policy and rewrites the head when due; runs under both locks.
    ///
    /// `batch` syncs at most every 100 ms (a group-commit thread replaces this later); the head is
    /// written after the sync, so it never names a record that a power loss could take away.
    private func syncAndWriteHeadIfDue(_ state: inout State) {
        let now = ContinuousClock.now
        switch policy {
        case .none:
            break
        case .always:
            fsync(descriptor)
            state.isDirty = false
        case .batch:
            guard now - state.lastSync >= Self.headInterval else { return }
            fdatasync(descriptor)
            state.isDirty = false
            state.lastSync = now
        }
        if now - state.lastHead >= Self.headInterval { writeHead(&state) }
    }

    private func writeHead(_ state: inout State) {
        AuditChainHead(sequence: state.sequence, hash: state.lastHash).write(to: headPath)
        state.lastHead = .now
    }

    private func fileSize() -> Int64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return -1 }
        return Int64(status.st_size)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var next = bytes.baseAddress else { return true }
        var remaining = bytes.count
        while remaining > 0 {
            let count = write(descriptor, next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            remaining -= count
            next += count
        }
        return true
    }

    private static func makeDirectories(_ path: String) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            mkdir(current, 0o700)
        }
    }
}

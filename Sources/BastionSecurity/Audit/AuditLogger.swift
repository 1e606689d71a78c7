import BastionProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Appends audit records as JSON lines to a file opened `O_APPEND`, never rewritten.
///
/// Each record gets a sequence number and a timestamp under one lock, and is written with a single
/// `write(2)` so concurrent sessions (and processes sharing the file) never interleave records.
/// The hash chain, redaction rules and rotation of the full audit log build on this type.
public final class AuditLogger: Sendable {
    private struct State {
        var sequence: Int64 = 0
        var lastSync: ContinuousClock.Instant = .now
        var isDirty = false
    }

    private let descriptor: Int32
    private let policy: AuditSyncPolicy
    private let state = Mutex(State())
    /// The file being written.
    public let path: String

    /// Opens (creating if needed, mode 0600, parent 0700) the audit file for appending.
    /// - Throws: ``AuditError`` when the file cannot be opened.
    public init(path: String, policy: AuditSyncPolicy) throws(AuditError) {
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty { Self.makeDirectories(parent) }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw AuditError(message: "cannot open audit log \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.policy = policy
        self.path = path
    }

    deinit {
        close(descriptor)
    }

    /// Writes one record; returns its sequence number.
    ///
    /// The record is encoded outside the lock; only numbering, stamping and the `write(2)` happen
    /// under it, so records reach the file in sequence order. `seq` and `ts` lead the object.
    @discardableResult
    public func record(_ entry: AuditEntry) -> Int64 {
        var body: [UInt8] = []
        body.reserveCapacity(320)
        var members = entry.members()
        // The logger owns numbering and time: a field named like them must not forge either.
        members["seq"] = nil
        members["ts"] = nil
        JSONWriter.write(.object(members), into: &body)
        let (sequence, mustSync) = state.withLock { state -> (Int64, Bool) in
            state.sequence += 1
            var line: [UInt8] = []
            line.reserveCapacity(body.count + 64)
            line.append(contentsOf: #"{"seq":"#.utf8)
            line.append(contentsOf: String(state.sequence).utf8)
            line.append(contentsOf: #","ts":""#.utf8)
            AuditTimestamp.appendNow(to: &line)
            line.append(UInt8(ascii: "\""))
            if body.count > 2 { line.append(UInt8(ascii: ",")) }
            line.append(contentsOf: body.dropFirst())
            line.append(0x0A)
            line.withUnsafeBytes { writeAll($0) }
            return (state.sequence, syncIsDue(&state))
        }
        if mustSync { sync() }
        return sequence
    }

    /// Forces buffered records to disk (at shutdown).
    public func flush() {
        state.withLock { state in
            if state.isDirty { fsync(descriptor) }
            state.isDirty = false
            state.lastSync = .now
        }
    }

    /// Whether this record must be synced, per the policy; the sync itself runs outside the lock.
    private func syncIsDue(_ state: inout State) -> Bool {
        switch policy {
        case .none:
            return false
        case .always:
            return true
        case .batch:
            // At most ~100 ms of records at risk on power loss; a group-commit thread replaces this later.
            state.isDirty = true
            let now = ContinuousClock.now
            guard now - state.lastSync >= .milliseconds(100) else { return false }
            state.lastSync = now
            state.isDirty = false
            return true
        }
    }

    private func sync() {
        if policy == .always { fsync(descriptor) } else { fdatasync(descriptor) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let count = write(descriptor, next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            remaining -= count
            next += count
        }
    }

    private static func makeDirectories(_ path: String) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            mkdir(current, 0o700)
        }
    }
}

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
    @discardableResult
    public func record(_ entry: AuditEntry) -> Int64 {
        var members = entry.members()
        return state.withLock { state -> Int64 in
            state.sequence += 1
            members["seq"] = .int(state.sequence)
            members["ts"] = .string(AuditTimestamp.now())
            var line: [UInt8] = []
            line.reserveCapacity(320)
            JSONWriter.write(.object(members), into: &line)
            line.append(0x0A)
            line.withUnsafeBytes { writeAll($0) }
            syncIfDue(&state)
            return state.sequence
        }
    }

    /// Forces buffered records to disk (at shutdown).
    public func flush() {
        state.withLock { state in
            if state.isDirty { fsync(descriptor) }
            state.isDirty = false
            state.lastSync = .now
        }
    }

    private func syncIfDue(_ state: inout State) {
        switch policy {
        case .none:
            return
        case .always:
            fsync(descriptor)
        case .batch:
            // At most 100 ms of records at risk; a group commit thread replaces this inline check later.
            state.isDirty = true
            let now = ContinuousClock.now
            if now - state.lastSync >= .milliseconds(100) {
                fdatasync(descriptor)
                state.lastSync = now
                state.isDirty = false
            }
        }
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

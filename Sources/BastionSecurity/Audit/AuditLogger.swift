import BastionProtocol
import BastionSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Appends hash-chained audit records as JSON lines to a file opened `O_APPEND`, never rewritten.
///
/// Every record carries `seq`, `ts`, `prev` (the previous record's `hash`, 64 zeros for the first
/// record of a chain) and `hash`, the SHA-256 of its canonical form (``AuditCanonicalForm``). Each
/// record is numbered, chained and written with one `write(2)` under an exclusive `flock(2)` on the
/// file before ``record(_:)`` returns, so several processes sharing one audit file (two stdio
/// servers with one configuration) extend one chain: when the file's size is not where this logger
/// left it, the last line is read back for its `seq` and `hash` first.
///
/// **Durability.** Policy `always` syncs every record before returning. Policy `batch` leaves the
/// sync to a group-commit thread: a record wakes it, it waits up to 50 ms for more, and one
/// `fdatasync(2)` covers all of them, off the request path. After that sync (any policy) the thread
/// writes the latest `{seq, hash}` to `<file>.head` (``AuditChainHead``), so a truncated tail is
/// detected by `bastion audit verify`; ``flush()`` does both at once (session end, shutdown).
///
/// **Failure.** A record that cannot be written (`ENOSPC`, `EIO`, …) makes the log unhealthy:
/// ``record(_:)`` returns `nil`, ``isHealthy`` turns `false`, one line goes to stderr, and the
/// server refuses new requests (``retry()``) until a record can be written again; the first one
/// then is an `audit-recovered` record with the number of records lost.
///
/// **Rotation** (``AuditRotation``) and **syslog** (``AuditSyslogConfiguration``) are optional.
public final class AuditLogger: Sendable {
    private let writer: AuditWriter

    /// The file being written.
    public var path: String { writer.path }
    /// The head file kept beside it.
    public var headPath: String { writer.headPath }

    /// Opens (creating if needed, mode 0600, parent 0700) the audit file for appending.
    ///
    /// - Parameters:
    ///   - path: The audit file.
    ///   - policy: When records are synced.
    ///   - rotation: When the file is rotated (default: never).
    ///   - syslog: Where records are also sent, if anywhere.
    /// - Throws: ``AuditError`` when the file cannot be opened.
    /// - Parameter node: The `node` member of every record (a replica's name), or none.
    /// The `node` member of every record, when set (``init(path:policy:rotation:syslog:node:)``).
    public let node: String?

    public init(
        path: String,
        policy: AuditSyncPolicy,
        rotation: AuditRotation = .never,
        syslog: AuditSyslogConfiguration? = nil,
        node: String? = nil
    ) throws(AuditError) {
        self.node = node
        let parent = PathBytes.splitLast(path)?.parent ?? ""
        if !parent.isEmpty { Self.makeDirectories(parent) }
        writer = try AuditWriter(
            path: path,
            policy: policy,
            rotation: rotation,
            syslog: syslog.map { AuditSyslogSender(configuration: $0) }
        )
        writer.startCommitter()
    }

    /// For tests: the syslog HOSTNAME is fixed.
    init(
        path: String,
        policy: AuditSyncPolicy,
        rotation: AuditRotation,
        syslog: AuditSyslogConfiguration,
        hostname: String
    )
        throws(AuditError)
    {
        node = nil
        writer = try AuditWriter(
            path: path,
            policy: policy,
            rotation: rotation,
            syslog: AuditSyslogSender(configuration: syslog, hostname: hostname)
        )
        writer.startCommitter()
    }

    deinit {
        writer.stop()
    }

    /// Writes one record.
    ///
    /// Members named `seq`, `ts`, `prev` or `hash` in the entry are dropped: the logger owns them.
    /// - Parameter entry: The record.
    /// - Returns: The record's sequence number, or `nil` when it could not be written (see ``failure``).
    @discardableResult
    public func record(_ entry: AuditEntry) -> Int64? {
        // Encoded before any lock is taken; see AuditRecordBody.
        let body = AuditRecordBody(entry, node: node)
        // Only with syslog on: the `decision` lookup hashes a key per record.
        let fields =
            writer.syslog == nil
            ? AuditSyslogFields.unused
            : AuditSyslogFields(
                event: entry.event,
                client: entry.client,
                decision: entry.fields["decision"]?.stringValue
            )
        return try? writer.append(body, syslogFields: fields).get()
    }

    /// Whether the last record was written (cheap: an atomic load).
    public var isHealthy: Bool { writer.isHealthy.load(ordering: .acquiring) }

    /// Why the log is unhealthy, or `nil`.
    public var failure: AuditError? { writer.state.withLock { $0.failure } }

    /// When unhealthy, tries to write again (an `audit-recovered` record).
    ///
    /// - Returns: `nil` when the log is (again) writable, otherwise why not.
    public func retry() -> AuditError? {
        writer.retry()
    }

    /// Forces buffered records to disk and writes the head file (at session end and shutdown).
    public func flush() {
        writer.flush()
    }

    /// For tests: runs one group-commit cycle now (sync if due, head).
    func commitNow() {
        writer.commitCycle()
    }

    /// For tests: syslog messages dropped so far.
    var syslogDroppedCount: Int64 { writer.syslog?.droppedCount ?? 0 }

    private static func makeDirectories(_ path: String) {
        // A failure shows when the log itself is opened, with its path. As root, the directories
        // made here are searchable but not listable (0711): the default workdirs sit beside the
        // log, and the run_as user (nobody) must reach them; the log itself stays 0600.
        try? DirectoryPath.create(path, mode: geteuid() == 0 ? 0o711 : 0o700)
    }
}

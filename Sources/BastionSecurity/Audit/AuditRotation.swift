/// When the audit log is rotated (`audit_max_bytes`, `audit_keep` in `[server]`).
///
/// When a record would take the file past ``maxBytes``, the file is renamed `<file>.1` (older ones
/// shift to `.2` … `.keep`, the oldest is deleted) and a new file takes its place whose first record,
/// an `event: "rotate"` record, continues the hash chain: its `prev` is the last hash of `<file>.1`.
/// `bastion audit verify FILE.N … FILE.1 FILE` checks the chain across the files.
public struct AuditRotation: Sendable, Hashable {
    /// The size after which the file is rotated; 0 never rotates.
    public var maxBytes: Int64
    /// How many rotated files are kept (`.1` … `.keep`).
    public var keep: Int

    /// The default size: 64 MiB.
    public static let defaultMaxBytes: Int64 = 64 << 20
    /// The default number of rotated files kept.
    public static let defaultKeep = 10
    /// Never rotate.
    public static let never = AuditRotation(maxBytes: 0)

    /// Creates a rotation policy.
    ///
    /// - Parameters:
    ///   - maxBytes: The size after which the file is rotated; 0 never rotates (default 64 MiB).
    ///   - keep: How many rotated files are kept, at least 1 (default 10).
    public init(maxBytes: Int64 = defaultMaxBytes, keep: Int = defaultKeep) {
        self.maxBytes = maxBytes
        self.keep = max(1, keep)
    }

    /// The name of the `index`-th rotated file of `path` (`.1` is the newest).
    ///
    /// - Parameters:
    ///   - path: The audit file.
    ///   - index: 1 … ``keep``.
    /// - Returns: `path` + `.` + `index`.
    public static func rotatedPath(_ path: String, index: Int) -> String {
        "\(path).\(index)"
    }
}

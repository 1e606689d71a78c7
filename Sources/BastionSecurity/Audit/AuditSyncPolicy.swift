/// When the audit logger forces its records to stable storage (`audit_sync` in `[server]`).
public enum AuditSyncPolicy: String, Sendable, Hashable, CaseIterable {
    /// Never call `fsync`; the kernel writes records back when it chooses.
    case none
    /// `fsync` after a batch of records (the default): bounded loss on power failure, low cost.
    case batch
    /// `fsync` after every record, before the response is sent.
    case always
}

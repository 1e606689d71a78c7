/// The result of checking one audit file with ``AuditVerifier``.
public struct AuditVerification: Sendable, Hashable {
    /// The first record found wrong.
    public struct Failure: Sendable, Hashable {
        /// The 1-based line number of the bad record (for a truncated tail, the line after the last good record).
        public var line: Int
        /// The record's `seq`, when it could be read (for truncation, the head's `seq`).
        public var sequence: Int64?
        /// What is wrong, in a few words.
        public var reason: String
    }

    /// The number of complete records that were checked.
    public var recordCount = 0
    /// The `seq` of the last good record, or `nil` when there is none.
    public var lastSequence: Int64?
    /// The last good record's `hash`, or `nil` when there is none.
    public var lastHash: String?
    /// The `seq` of the record the file's first record continues from: set when the file starts
    /// with a `rotate` record (it continues an earlier file's chain), `nil` when it starts a chain.
    public var continuedSequence: Int64?
    /// The first bad record, or `nil` when the chain is intact.
    public var failure: Failure?
    /// Things worth saying that do not break the chain (a torn last line).
    public var warnings: [String] = []

    /// Whether every record checked and the head (if any) was reached.
    public var isIntact: Bool { failure == nil }
}

/// The members of a record that a syslog message repeats in its structured data, so a receiver can
/// filter on them without parsing the JSON.
public struct AuditSyslogFields: Sendable, Hashable {
    /// The record's `event`.
    public var event: String
    /// The record's `client`, if any.
    public var client: String?
    /// The record's `decision`, if any.
    public var decision: String?

    /// Creates the fields.
    ///
    /// - Parameters:
    ///   - event: The record's `event`.
    ///   - client: The record's `client`.
    ///   - decision: The record's `decision`.
    public init(event: String, client: String? = nil, decision: String? = nil) {
        self.event = event
        self.client = client
        self.decision = decision
    }

    /// Placeholder fields when no syslog output is configured.
    static let unused = AuditSyslogFields(event: "")
}

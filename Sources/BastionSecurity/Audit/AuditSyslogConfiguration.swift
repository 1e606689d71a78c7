/// Syslog output of the audit log: where to, and with which facility.
public struct AuditSyslogConfiguration: Sendable, Hashable {
    /// The receiver.
    public var destination: AuditSyslogDestination
    /// The facility of every message (default ``AuditSyslogFacility/authpriv``).
    public var facility: AuditSyslogFacility

    /// Creates a syslog configuration.
    ///
    /// - Parameters:
    ///   - destination: The receiver.
    ///   - facility: The facility (default `authpriv`).
    public init(destination: AuditSyslogDestination, facility: AuditSyslogFacility = .authpriv) {
        self.destination = destination
        self.facility = facility
    }
}

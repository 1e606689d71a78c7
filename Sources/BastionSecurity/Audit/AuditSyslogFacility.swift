/// The syslog facility of audit messages (`audit_syslog_facility` in `[server]`), RFC 5424 §6.2.1.
public enum AuditSyslogFacility: String, Sendable, Hashable, CaseIterable {
    /// 1: user-level messages.
    case user
    /// 3: system daemons.
    case daemon
    /// 4: security/authorization messages.
    case auth
    /// 10: security/authorization messages kept private (the default: syslog daemons usually
    /// write it to a file only root can read, which suits records naming clients and paths).
    case authpriv
    /// 16 … 23: local use.
    case local0, local1, local2, local3, local4, local5, local6, local7

    /// The facility's numerical code.
    public var code: Int {
        switch self {
        case .user: return 1
        case .daemon: return 3
        case .auth: return 4
        case .authpriv: return 10
        case .local0: return 16
        case .local1: return 17
        case .local2: return 18
        case .local3: return 19
        case .local4: return 20
        case .local5: return 21
        case .local6: return 22
        case .local7: return 23
        }
    }
}

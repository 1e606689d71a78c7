public import BastionResources
public import BastionSecurity

/// Server-wide settings (the `[server]` table).
public struct ServerConfiguration: Sendable, Hashable {
    /// The server name announced in `initialize` (`name`).
    public var name: String
    /// The absolute path of the audit log, JSON Lines (`audit_log`).
    public var auditLog: String
    /// When audit records are forced to stable storage (`audit_sync`).
    public var auditSync: AuditSyncPolicy
    /// The audit log's size after which it is rotated, in bytes; 0 never rotates (`audit_max_bytes`).
    public var auditMaxBytes: Int64
    /// How many rotated audit logs are kept (`audit_keep`).
    public var auditKeep: Int
    /// Where audit records are also sent as RFC 5424 syslog messages; `nil` for nowhere (`audit_syslog`).
    public var auditSyslog: AuditSyslogDestination?
    /// The syslog facility of those messages (`audit_syslog_facility`).
    public var auditSyslogFacility: AuditSyslogFacility
    /// The largest accepted message, in bytes (`max_message_bytes`).
    public var maxMessageBytes: Int
    /// The deepest accepted JSON nesting (`max_depth`).
    public var maxDepth: Int
    /// Whether the diagnostics module is enabled (`diagnostics`).
    public var diagnostics: Bool
    /// The stderr log level: trace, debug, info, notice, warning, error or critical (`log_level`).
    public var logLevel: String
    /// How long the server waits for a client's answer to a server→client request, in ms (`request_timeout_ms`).
    public var requestTimeoutMs: Int
    /// How long a call waits for a person's approval, in ms (`approval_timeout_ms`); on 2026-07-28
    /// also the lifetime of the `requestState` of an approval asked through `input_required`.
    public var approvalTimeoutMs: Int
    /// The number of items per page of a `…/list` result (`page_size`).
    public var pageSize: Int
    /// The process-wide budget of bytes in flight (answers being built or waiting to be written), in
    /// MiB (`memory_budget_mb`): beyond it a call waits a few seconds, then is refused as busy.
    public var memoryBudgetMB: Int
    /// This replica's name in every audit record (`node_id`); `nil`: the host name and the pid,
    /// so the logs of replicas behind one load balancer verify separately and merge by time.
    public var nodeID: String?
    /// The kernel sandboxing features code execution needs (`require_sandbox`): when the kernel
    /// lacks one, `bastion sandbox-check` fails and no command or code is run without it.
    public var requireSandbox: [SandboxFeature]

    /// The default of ``requireSandbox``: Landlock and seccomp.
    public static let defaultRequiredSandbox: [SandboxFeature] = [.landlock, .seccomp]

    /// The interpreters `run_code` offers, by name, each looked up on the system `PATH` at start
    /// (`interpreters`); those not installed are left out.
    public var interpreters: [String] = ["sh", "bash", "python3", "node"]

    /// ``memoryBudgetMB`` in bytes.
    public var memoryBudgetBytes: Int { memoryBudgetMB << 20 }

    /// The values `memory_budget_mb` accepts: at least 16 MiB, at most 1 TiB.
    public static let memoryBudgetRange = 16...1_048_576

    /// The audit settings as the logger takes them: rotation.
    public var auditRotation: AuditRotation { AuditRotation(maxBytes: auditMaxBytes, keep: auditKeep) }

    /// The audit settings as the logger takes them: syslog, if configured.
    public var auditSyslogConfiguration: AuditSyslogConfiguration? {
        auditSyslog.map { AuditSyslogConfiguration(destination: $0, facility: auditSyslogFacility) }
    }

    /// The log levels `logLevel` accepts, from most to least verbose.
    public static let logLevels: [String] = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Creates server settings; everything but the audit log path has a default.
    /// - Parameters:
    ///   - name: The server name (default `bastion`).
    ///   - auditLog: The absolute path of the audit log.
    ///   - auditSync: The fsync policy of the audit log (default ``AuditSyncPolicy/batch``).
    ///   - auditMaxBytes: The audit log's rotation size (default 64 MiB; 0 never rotates).
    ///   - auditKeep: The number of rotated audit logs kept (default 10).
    ///   - auditSyslog: The syslog destination of audit records (default none).
    ///   - auditSyslogFacility: Their syslog facility (default `authpriv`).
    ///   - maxMessageBytes: The largest accepted message (default 4 MiB).
    ///   - maxDepth: The deepest accepted JSON nesting (default 64).
    ///   - diagnostics: Whether the diagnostics module is enabled (default `false`).
    ///   - logLevel: The stderr log level (default `info`).
    ///   - requestTimeoutMs: The timeout of server→client requests (default 60 s).
    ///   - approvalTimeoutMs: How long a call waits for approval (default 120 s).
    ///   - pageSize: The list page size (default 50).
    ///   - memoryBudgetMB: The budget of bytes in flight, in MiB (default 256).
    ///   - requireSandbox: The sandboxing features execution requires (default Landlock and seccomp).
    public init(
        name: String = "bastion",
        auditLog: String,
        auditSync: AuditSyncPolicy = .batch,
        auditMaxBytes: Int64 = AuditRotation.defaultMaxBytes,
        auditKeep: Int = AuditRotation.defaultKeep,
        auditSyslog: AuditSyslogDestination? = nil,
        auditSyslogFacility: AuditSyslogFacility = .authpriv,
        maxMessageBytes: Int = 4_194_304,
        maxDepth: Int = 64,
        diagnostics: Bool = false,
        logLevel: String = "info",
        requestTimeoutMs: Int = 60_000,
        approvalTimeoutMs: Int = 120_000,
        pageSize: Int = 50,
        memoryBudgetMB: Int = 256,
        requireSandbox: [SandboxFeature] = ServerConfiguration.defaultRequiredSandbox
    ) {
        self.name = name
        self.auditLog = auditLog
        self.auditSync = auditSync
        self.auditMaxBytes = auditMaxBytes
        self.auditKeep = auditKeep
        self.auditSyslog = auditSyslog
        self.auditSyslogFacility = auditSyslogFacility
        self.maxMessageBytes = maxMessageBytes
        self.maxDepth = maxDepth
        self.diagnostics = diagnostics
        self.logLevel = logLevel
        self.requestTimeoutMs = requestTimeoutMs
        self.approvalTimeoutMs = approvalTimeoutMs
        self.pageSize = pageSize
        self.memoryBudgetMB = memoryBudgetMB
        self.requireSandbox = requireSandbox
    }
}

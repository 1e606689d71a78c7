import BastionResources
import BastionSecurity

extension ServerConfiguration {
    /// The keys of `[server]`.
    static let tomlKeys = [
        "name", "audit_log", "audit_sync", "audit_max_bytes", "audit_keep", "audit_syslog", "audit_syslog_facility",
        "interpreters",
        "max_message_bytes", "max_depth", "diagnostics", "log_level",
        "request_timeout_ms", "approval_timeout_ms", "page_size", "memory_budget_mb", "require_sandbox", "node_id",
    ]

    /// Reads `[server]`; an absent table gives the defaults.
    static func decode(
        _ reader: TOMLTableReader?,
        context: ConfigurationDecodingContext
    ) throws(ConfigurationError)
        -> ServerConfiguration
    {
        var server = ServerConfiguration(auditLog: context.paths.defaultAuditLog)
        guard let reader else { return server }
        try reader.checkKeys(tomlKeys)
        if let name = try reader.string("name") {
            guard !name.isEmpty, name.count <= 256, !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw context.error(
                    .invalidValue,
                    at: reader.path.appending("name"),
                    "the server name must be 1 to 256 characters without control characters"
                )
            }
            server.name = name
        }
        if let node = try reader.string("node_id") {
            guard !node.isEmpty, node.utf8.count <= 128,
                !node.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            else {
                throw context.error(
                    .invalidValue,
                    at: reader.path.appending("node_id"),
                    "the node id must be 1 to 128 bytes without control characters"
                )
            }
            server.nodeID = node
        }
        if let auditLog = try reader.string("audit_log") {
            server.auditLog = try context.resolvePath(auditLog, at: reader.path.appending("audit_log"))
        }
        if let auditSync = try reader.choice("audit_sync", as: AuditSyncPolicy.self) { server.auditSync = auditSync }
        try decodeAuditOutputs(reader, context: context, into: &server)
        if let bytes = try reader.int("max_message_bytes", in: 1_024...1_073_741_824) { server.maxMessageBytes = bytes }
        if let depth = try reader.int("max_depth", in: 1...1_024) { server.maxDepth = depth }
        if let diagnostics = try reader.bool("diagnostics") { server.diagnostics = diagnostics }
        if let interpreters = try decodeInterpreters(reader, context: context) { server.interpreters = interpreters }
        if let level = try reader.string("log_level") {
            guard logLevels.contains(level) else {
                throw context.error(
                    .invalidValue,
                    at: reader.path.appending("log_level"),
                    "unknown value \(TOMLString.quoted(level)); expected one of \(logLevels.joined(separator: ", "))"
                )
            }
            server.logLevel = level
        }
        if let timeout = try reader.int("request_timeout_ms", in: 1...86_400_000) { server.requestTimeoutMs = timeout }
        if let timeout = try reader.int("approval_timeout_ms", in: 1_000...86_400_000) {
            server.approvalTimeoutMs = timeout
        }
        if let pageSize = try reader.int("page_size", in: 1...10_000) { server.pageSize = pageSize }
        if let budget = try reader.int("memory_budget_mb", in: memoryBudgetRange) { server.memoryBudgetMB = budget }
        if let required = try decodeRequiredSandbox(reader, context: context) { server.requireSandbox = required }
        return server
    }

    /// Reads `require_sandbox`: feature names, each known (``SandboxFeature``), duplicates dropped.
    private static func decodeRequiredSandbox(
        _ reader: TOMLTableReader,
        context: ConfigurationDecodingContext
    ) throws(ConfigurationError) -> [SandboxFeature]? {
        guard let names = try reader.stringArray("require_sandbox") else { return nil }
        var features: [SandboxFeature] = []
        for (name, path) in names {
            guard let feature = SandboxFeature(rawValue: name) else {
                throw context.error(
                    .invalidValue,
                    at: path,
                    "unknown sandbox feature \(TOMLString.quoted(name)) in require_sandbox; expected one of "
                        + SandboxFeature.spellings
                )
            }
            if !features.contains(feature) { features.append(feature) }
        }
        return features
    }

    /// Reads the audit log's rotation and syslog keys.
    private static func decodeAuditOutputs(
        _ reader: TOMLTableReader,
        context: ConfigurationDecodingContext,
        into server: inout ServerConfiguration
    ) throws(ConfigurationError) {
        if let maxBytes = try reader.int("audit_max_bytes", in: 0...(1 << 40)) {
            guard maxBytes == 0 || maxBytes >= minAuditMaxBytes else {
                throw context.error(
                    .invalidValue,
                    at: reader.path.appending("audit_max_bytes"),
                    "audit_max_bytes must be 0 (never rotate) or at least \(minAuditMaxBytes) bytes"
                )
            }
            server.auditMaxBytes = Int64(maxBytes)
        }
        if let keep = try reader.int("audit_keep", in: 1...1_000) { server.auditKeep = keep }
        if let syslog = try reader.string("audit_syslog") {
            guard let destination = AuditSyslogDestination(syslog) else {
                throw context.error(
                    .invalidValue,
                    at: reader.path.appending("audit_syslog"),
                    "invalid syslog destination \(TOMLString.quoted(syslog)); expected \"unix:/PATH\", "
                        + "\"udp://HOST:PORT\" or \"tcp://HOST:PORT\""
                )
            }
            server.auditSyslog = destination
        }
        if let facility = try reader.choice("audit_syslog_facility", as: AuditSyslogFacility.self) {
            server.auditSyslogFacility = facility
        }
    }

    /// The smallest rotation size: a few records.
    static let minAuditMaxBytes = 4_096
}

extension ServerConfiguration {
    /// Reads `interpreters`: names of 1 to 64 characters of `A-Z a-z 0-9 . _ + -` (looked up on the
    /// system `PATH`, so never a path), each once.
    static func decodeInterpreters(
        _ reader: TOMLTableReader,
        context: ConfigurationDecodingContext
    ) throws(ConfigurationError) -> [String]? {
        guard let entries = try reader.stringArray("interpreters") else { return nil }
        var names: [String] = []
        for (name, path) in entries {
            let isName = name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2B || byte == 0x2D
            }
            guard (1...64).contains(name.utf8.count), isName, !names.contains(name) else {
                throw context.error(
                    .invalidValue,
                    at: path,
                    "an interpreter is a command name (1 to 64 of A-Z a-z 0-9 . _ + -, looked up on "
                        + "/usr/local/bin:/usr/bin:/bin), listed once; got \(TOMLString.quoted(name))"
                )
            }
            names.append(name)
        }
        return names
    }
}

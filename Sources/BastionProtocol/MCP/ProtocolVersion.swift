/// The MCP protocol revisions Bastion speaks, oldest first.
public enum ProtocolVersion: String, Sendable, Hashable, CaseIterable, Comparable {
    case v2024_11_05 = "2024-11-05"
    case v2025_03_26 = "2025-03-26"
    case v2025_06_18 = "2025-06-18"
    case v2025_11_25 = "2025-11-25"
    /// The stateless revision: no handshake, every request carries its version and capabilities
    /// in `_meta` (``ModernEnvelope``).
    case v2026_07_28 = "2026-07-28"

    /// The newest handshake-era revision; the answer to an `initialize` asking for one we do not know.
    public static let latest: ProtocolVersion = .v2025_11_25

    /// The revisions with the `initialize` handshake, oldest first.
    public static let handshakeVersions: [ProtocolVersion] = allCases.filter { !$0.isModern }

    /// The revisions without `initialize`, newest first, as `-32022` names them.
    public static let modernVersions: [ProtocolVersion] = [.v2026_07_28]

    /// Whether this revision is one of the stateless ones (2026-07-28 and later).
    public var isModern: Bool { self >= .v2026_07_28 }

    /// The version to answer `initialize` with: the client's when it is a supported handshake-era
    /// one, otherwise the latest of those (lifecycle.mdx); never a modern one.
    public static func negotiate(requested: String) -> ProtocolVersion {
        guard let version = ProtocolVersion(rawValue: requested), !version.isModern else { return .latest }
        return version
    }

    public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// JSON-RPC batches exist only in 2025-03-26 (added there, removed in 2025-06-18).
    public var allowsBatches: Bool { self == .v2025_03_26 }
    /// Tool annotations and the `completions` capability arrived in 2025-03-26.
    public var hasToolAnnotations: Bool { self >= .v2025_03_26 }
    /// Whether the `completions` capability is declared (2025-03-26+).
    public var hasCompletionsCapability: Bool { self >= .v2025_03_26 }
    /// `structuredContent`, `outputSchema`, `title` and elicitation arrived in 2025-06-18.
    public var hasStructuredContent: Bool { self >= .v2025_06_18 }
    /// Whether the peer may use `elicitation/create` (2025-06-18+).
    public var hasElicitation: Bool { self >= .v2025_06_18 }
    /// From 2025-11-25, invalid tool arguments are reported as an `isError` result, not -32602.
    public var reportsArgumentErrorsAsToolResults: Bool { self >= .v2025_11_25 }
    /// `message` in progress notifications arrived in 2025-03-26.
    public var hasProgressMessage: Bool { self >= .v2025_03_26 }
    /// Task-augmented requests and `tasks/*` (2025-11-25, experimental there; 2026-07-28 moved
    /// tasks to an extension).
    public var hasTasks: Bool { self == .v2025_11_25 }
    /// The tasks extension `io.modelcontextprotocol/tasks` (2026-07-28 on; ``TasksExtension``).
    public var hasTasksExtension: Bool { isModern }
}

/// The MCP protocol revisions Bastion speaks, oldest first.
public enum ProtocolVersion: String, Sendable, Hashable, CaseIterable, Comparable {
    case v2024_11_05 = "2024-11-05"
    case v2025_03_26 = "2025-03-26"
    case v2025_06_18 = "2025-06-18"
    case v2025_11_25 = "2025-11-25"

    /// The newest revision; the answer to a client asking for one we do not know.
    public static let latest: ProtocolVersion = .v2025_11_25

    /// The version to answer with: the client's when supported, otherwise the latest (lifecycle.mdx).
    public static func negotiate(requested: String) -> ProtocolVersion {
        ProtocolVersion(rawValue: requested) ?? .latest
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
    /// Task-augmented requests and `tasks/*` (2025-11-25, experimental there).
    public var hasTasks: Bool { self >= .v2025_11_25 }
}

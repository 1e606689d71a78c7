/// Which tool calls of a client need a human's approval before they run (`approval`).
public enum ApprovalPolicy: String, Sendable, Hashable, CaseIterable {
    /// No call needs approval (the default).
    case never
    /// Calls of tools that may modify their environment destructively need approval: tools not marked
    /// `readOnlyHint: true` and not marked `destructiveHint: false` (MCP defaults: unannotated means destructive).
    case destructive
    /// Every tool call needs approval.
    case always
}

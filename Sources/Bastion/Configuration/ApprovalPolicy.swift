/// Which tool calls of a client need a human's approval before they run (`approval`).
public enum ApprovalPolicy: String, Sendable, Hashable, CaseIterable {
    /// No call needs approval (the default).
    case never
    /// Calls of tools annotated `destructiveHint: true` need approval.
    case destructive
    /// Every tool call needs approval.
    case always
}

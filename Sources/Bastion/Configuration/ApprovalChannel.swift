/// Where approval requests of a client are answered (`approval_channel`).
public enum ApprovalChannel: String, Sendable, Hashable, CaseIterable {
    /// Ask the MCP client itself through elicitation.
    case client
    /// Ask the local operator through `bastion approve` (the default): the AI cannot answer for itself.
    case local
}

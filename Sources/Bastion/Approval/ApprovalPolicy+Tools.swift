extension ApprovalPolicy {
    /// Whether a call of a tool with these annotations needs a person's approval.
    ///
    /// `destructive` follows the MCP defaults (tools.mdx: `readOnlyHint` false, `destructiveHint`
    /// true): a tool needs approval unless it says it is read-only or says it is not destructive.
    /// A tool with no annotations at all is therefore treated as destructive.
    /// - Parameter annotations: The tool's hints.
    /// - Returns: `true` when the call must wait for approval.
    func requiresApproval(for annotations: ToolAnnotations) -> Bool {
        switch self {
        case .never: false
        case .always: true
        case .destructive: annotations.readOnlyHint != true && annotations.destructiveHint != false
        }
    }
}

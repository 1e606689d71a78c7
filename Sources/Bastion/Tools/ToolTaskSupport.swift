/// Whether a tool may be called as a task (`execution.taskSupport`, 2025-11-25 tasks.mdx).
public enum ToolTaskSupport: String, Sendable, Hashable {
    /// Only as a normal call (the default); a task-augmented call is refused with -32601.
    case forbidden
    /// As a task or as a normal call: for work that can run long (commands, code).
    case optional
    /// Only as a task; a normal call is refused with -32601.
    case required
}

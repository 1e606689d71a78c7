extension PermissionManager {
    /// What a call wants to do with a path: the call-level counterpart of a tool's declared permissions.
    public enum Access: Sendable, Hashable {
        /// Read a file or list a directory: needs `file_read`.
        case read
        /// Create, modify, move or delete: needs `file_write` or `file_write_global`.
        case write
        /// Run an executable: needs `system_command` matching `command`. The checked path is the
        /// executable file; `command` is the name as asked for (a bare name, or a path).
        case execute(command: String)

        /// The verb used in denial reasons.
        public var verb: String {
            switch self {
            case .read: return "reading"
            case .write: return "writing"
            case .execute(let command): return "running \"\(PermissionDecision.shown(command))\" from"
            }
        }
    }
}

/// The type of a ``Permission`` without its argument (glob, pattern, …).
///
/// Tools declare the kinds they need, audit records name the kind that allowed or denied a call,
/// and error messages list the kinds a configuration may use.
public enum PermissionKind: Sendable, Hashable {
    /// `file_read`: read files and directories.
    case fileRead
    /// `file_write`: create, modify, move or delete inside the client's scope.
    case fileWrite
    /// `file_write_global`: write outside the client's scope where a glob matches.
    case fileWriteGlobal
    /// `code_execution`: run code in the client's sandbox.
    case codeExecution
    /// `code_execution_sudo`: run with elevated privileges.
    case codeExecutionSudo
    /// `system_command`: run executables matching a pattern.
    case systemCommand
    /// `custom:NAME`: a permission declared by an external module.
    case custom(String)

    /// The configuration spelling of the kind: `file_read`, …, `system_command`, or `custom:NAME`.
    public var spelling: String {
        switch self {
        case .fileRead: return "file_read"
        case .fileWrite: return "file_write"
        case .fileWriteGlobal: return "file_write_global"
        case .codeExecution: return "code_execution"
        case .codeExecutionSudo: return "code_execution_sudo"
        case .systemCommand: return "system_command"
        case .custom(let name): return "custom:\(name)"
        }
    }

    /// The type names a configuration may use, in documentation order (`custom` stands for `custom:NAME`).
    static let typeNames: [String] = [
        "file_read", "file_write", "file_write_global", "code_execution", "code_execution_sudo", "system_command",
        "custom",
    ]
}

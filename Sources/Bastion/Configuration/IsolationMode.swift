/// How a client's tool calls are isolated from the server process (`isolation`).
public enum IsolationMode: String, Sendable, Hashable, CaseIterable {
    /// Tool handlers run inside the server process; children are still sandboxed (the default).
    case inProcess = "in-process"
    /// Tool handlers run in a worker process under the client's Landlock rules. Not implemented
    /// yet: a configuration that asks for it is refused (``ConfigurationError/Code/unsupported``).
    case process

    /// Whether this version of Bastion can honour the mode.
    public var isImplemented: Bool { self == .inProcess }
}

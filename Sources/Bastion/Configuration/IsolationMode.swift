/// How a client's tool calls are isolated from the server process (`isolation`).
public enum IsolationMode: String, Sendable, Hashable, CaseIterable {
    /// Tool handlers run inside the server process; children are still sandboxed (the default).
    case inProcess = "in-process"
    /// Tool handlers run in a worker process under the client's Landlock rules.
    case process
}

/// How a client's tool calls are isolated from the server process (`isolation`).
public enum IsolationMode: String, Sendable, Hashable, CaseIterable {
    /// Tool handlers run inside the server process; children are still sandboxed (the default).
    case inProcess = "in-process"
    /// Tool handlers (the file-system tools and every module's, but not the execution tools, whose
    /// children have a sandbox of their own) run in a worker process per connection, under the
    /// client's Landlock rules, seccomp filter, limits and minimal root: a bug in a path check
    /// cannot take a call out of the client's scope.
    case process
}

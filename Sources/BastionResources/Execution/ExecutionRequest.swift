/// What a caller asks to run: a command's argument vector, or code for an interpreter.
public struct ExecutionRequest: Sendable, Hashable {
    /// What runs.
    public enum Program: Sendable, Hashable {
        /// An argument vector; `argv[0]` is a bare name (looked up on the fixed system `PATH`) or a path.
        case command([String])
        /// Source code for a configured interpreter, written to a file in the workdir's `.tmp`.
        case code(language: String, source: String)
    }

    /// What runs.
    public var program: Program
    /// The working directory as the client gave it (`nil`: the workdir).
    public var cwd: String?
    /// Bytes written to the child's stdin, which is then closed.
    public var stdin: [UInt8]
    /// Extra environment variables, checked against ``ExecutionEnvironment``'s rules.
    public var environment: [(name: String, value: String)]
    /// The wall-clock timeout in milliseconds (`nil`: the client's `timeout_ms`).
    public var timeoutMs: Int64?
    /// `sudo: true`: run with the server's privileges (needs `code_execution_sudo`).
    public var sudo: Bool
    /// For ``Program/code(language:source:)``: start the interpreter interactively (a REPL reading
    /// its stdin, `python3 -i`) instead of running the source from a file (a process session).
    public var isInteractive: Bool

    /// Creates a request.
    public init(
        program: Program,
        cwd: String? = nil,
        stdin: [UInt8] = [],
        environment: [(name: String, value: String)] = [],
        timeoutMs: Int64? = nil,
        sudo: Bool = false,
        isInteractive: Bool = false
    ) {
        self.program = program
        self.cwd = cwd
        self.stdin = stdin
        self.environment = environment
        self.timeoutMs = timeoutMs
        self.sudo = sudo
        self.isInteractive = isInteractive
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.program == rhs.program && lhs.cwd == rhs.cwd && lhs.stdin == rhs.stdin && lhs.timeoutMs == rhs.timeoutMs
            && lhs.sudo == rhs.sudo && lhs.isInteractive == rhs.isInteractive
            && lhs.environment.map(\.name) == rhs.environment.map(\.name)
            && lhs.environment.map(\.value) == rhs.environment.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(program)
        hasher.combine(cwd)
        hasher.combine(timeoutMs)
    }
}

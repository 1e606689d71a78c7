import BastionProtocol
public import BastionResources
import BastionSecurity

/// The execution tools (ARCHITECTURE §4): `run_command` (an argument vector, never a shell string)
/// and `run_code` (code for a configured interpreter), each child run through `bastion
/// sandbox-exec` by the ``ExecutionManager``; and the process sessions (`start_process` and its
/// companions, `ExecutionModule+Sessions.swift`) for REPLs and long builds.
///
/// `run_command` needs a `system_command` grant matching the resolved executable (checked per
/// call); `run_code` needs `code_execution`. Neither is offered to a `read_only` client.
public struct ExecutionModule: BastionModule {
    let manager: LazyValue<ExecutionManager>

    /// Creates the module; the manager (which looks up the interpreters) is made on first use.
    /// - Parameter makeManager: Makes the manager.
    public init(_ makeManager: @escaping @Sendable () -> ExecutionManager = { ExecutionManager() }) {
        self.manager = LazyValue(makeManager)
    }

    /// Creates the module on a manager the server shares with its isolation workers.
    init(manager: LazyValue<ExecutionManager>) {
        self.manager = manager
    }

    public var name: String { "execution" }

    /// Children are started by the server, in their own sandbox, whatever the client's isolation.
    public var runsInServer: Bool { true }

    public func register(in tools: inout ToolRegistry) {
        tools.register(
            name: "run_command",
            title: "Run Command",
            description: "Run a program with arguments (argv, no shell: write [\"sh\", \"-c\", \"…\"] yourself if "
                + "you hold the grant for sh) in your sandbox; bare names are looked up on "
                + "\(ExecutionEnvironment.systemPath). Returns the exit code, signal, stdout and stderr (each cut at "
                + "your output limit), whether it timed out, and the sandbox applied.",
            inputSchema: Self.commandSchema,
            outputSchema: Self.outputSchema,
            annotations: Self.annotations,
            permissions: .checkedPerCall(.systemCommand),
            taskSupport: .optional
        ) { [manager] client, call in
            try await Self.runCommand(manager.value, client, call)
        }
        tools.register(
            name: "run_code",
            title: "Run Code",
            description: "Run source code with an interpreter (sh, bash, python3, node where installed) in your "
                + "sandbox: no network unless granted, writes only in your working directory. The code is passed "
                + "as a file; stdin is yours. Returns the exit code, stdout, stderr and whether it timed out.",
            inputSchema: Self.codeSchema,
            outputSchema: Self.outputSchema,
            annotations: Self.annotations,
            permissions: .checkedPerCall(.codeExecution),
            taskSupport: .optional
        ) { [manager] client, call in
            try await Self.runCode(manager.value, client, call)
        }
        registerSessions(in: &tools)
    }

    /// Kills whatever still runs and refuses new runs: the last line of defence at shutdown, after
    /// every connection's calls and process sessions were ended.
    public func shutdown() async {
        guard let manager = manager.ifCreated else { return }
        manager.stopAll()
        await manager.sessions.stopAll()
    }

    /// Not read-only, destructive (a program may change anything in its write set), not idempotent;
    /// open-world because a command may reach the network when its client is unrestricted.
    static let annotations = ToolAnnotations(
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: true
    )

    static func runCommand(
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) async throws(ToolError) -> ToolResult {
        let request = try ExecutionAudit.recordingInvalid(call) { () throws(ToolError) in try commandRequest(call) }
        return try await run(request, manager, client, call)
    }

    static func runCode(
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) async throws(ToolError) -> ToolResult {
        let request = try ExecutionAudit.recordingInvalid(call) { () throws(ToolError) in try codeRequest(call) }
        return try await run(request, manager, client, call)
    }

    /// The request of a call in the `run_command` form: `command` (argv), `cwd`, `stdin`, `env`,
    /// `timeout_ms`, `sudo`.
    static func commandRequest(_ call: ToolCall) throws(ToolError) -> ExecutionRequest {
        let elements = call.arguments["command"]?.arrayValue ?? []
        let argv = elements.compactMap(\.stringValue)
        guard argv.count == elements.count else { throw ToolError("\"command\" must be an array of strings") }
        return ExecutionRequest(
            program: .command(argv),
            cwd: call.string("cwd"),
            stdin: Array((call.string("stdin") ?? "").utf8),
            environment: try environment(call),
            timeoutMs: try timeout(call),
            sudo: call.arguments["sudo"]?.boolValue ?? false
        )
    }

    /// The request of a call in the `run_code` form: `language`, `code`, `stdin`, `timeout_ms`
    /// (and `cwd`, `env` where the schema offers them: `start_process`).
    static func codeRequest(_ call: ToolCall) throws(ToolError) -> ExecutionRequest {
        ExecutionRequest(
            program: .code(language: call.string("language") ?? "", source: call.string("code") ?? ""),
            cwd: call.string("cwd"),
            stdin: Array((call.string("stdin") ?? "").utf8),
            environment: try environment(call),
            timeoutMs: try timeout(call)
        )
    }

    static func reserve(_ bytes: Int, _ call: ToolCall) async throws(ToolError) {
        do {
            try await call.memory.reserveForTool(bytes)
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError("The call was cancelled")
        }
    }

    /// The `timeout_ms` argument; a number that is not an integer of milliseconds is refused, never
    /// replaced by the default.
    static func timeout(_ call: ToolCall) throws(ToolError) -> Int64? {
        guard let value = call.arguments["timeout_ms"], !value.isNull else { return nil }
        guard let milliseconds = value.intValue else {
            throw ToolError("timeout_ms must be a whole number of milliseconds (1 to your timeout_ms limit)")
        }
        return milliseconds
    }

    /// The `env` argument as name/value pairs; a non-string value is refused.
    static func environment(_ call: ToolCall) throws(ToolError) -> [(name: String, value: String)] {
        guard case .object(let members)? = call.arguments["env"] else { return [] }
        var pairs: [(name: String, value: String)] = []
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let text = value.stringValue else { throw ToolError("\"env\" values must be strings (\"\(name)\")") }
            pairs.append((name, text))
        }
        return pairs
    }

    static func run(
        _ request: ExecutionRequest,
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) async throws(ToolError) -> ToolResult {
        // The run's own timeout must fire first, with time for TERM, grace and KILL: the session's
        // deadline (the same timeout_ms) is pushed back by that much.
        call.request.extendDeadline(by: manager.gracePeriod + .seconds(2))
        let progress: (@Sendable ([UInt8], [UInt8], Int) -> Void)?
        if call.request.progressToken != nil {
            progress = { stdout, stderr, elapsed in
                let latest = String(decoding: stdout.isEmpty ? stderr : stdout, as: UTF8.self)
                call.reportProgress(Double(elapsed), message: latest)
            }
        } else {
            progress = nil
        }
        // The answer holds each stream up to the cap twice (text and structured content): reserved
        // before the run, topped up afterwards when escaping makes the encoding larger.
        let cap = max(1, client.limits.outputKB) * 1024
        let reserved = 4 * cap + 65_536
        try await reserve(reserved, call)
        let result: ExecutionResult
        do {
            // A blocking handler: on a thread of the blocking executor, which may wait for the child.
            result = try await manager.run(request, client: client, progress: progress, blocksCaller: true)
        } catch {
            ExecutionAudit.recordRefusal(error, request: request, on: call)
            throw ToolError(error.message, denial: error.denial)
        }
        ExecutionAudit.record(result, request: request, on: call)
        let needed = ExecutionResultFormatter.encodedSizeEstimate(result.outcome)
        if needed > reserved { try await reserve(needed - reserved, call) }
        return ExecutionResultFormatter.result(result)
    }
}

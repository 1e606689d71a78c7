import BastionProtocol
import BastionResources
import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

/// The process-session tools (ARCHITECTURE §4): `start_process` runs a command or code exactly as
/// `run_command` / `run_code` do (same checks, same sandbox), keeps its stdin open and its output
/// in bounded buffers; the other tools read, write, kill and list the caller's sessions.
extension ExecutionModule {
    /// Either form of `start_process` needs its grant, checked per call; the session tools are
    /// offered to a client that may start sessions at all (never a `read_only` one).
    static let sessionPermissions = RequiredPermissions.checkedPerCall(anyOf: [.systemCommand, .codeExecution])

    /// Reading and listing change nothing; every other session tool is `run_command`'s kind.
    static let readOnlySessionAnnotations = ToolAnnotations(
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false
    )

    func registerSessions(in tools: inout ToolRegistry) {
        tools.register(
            name: "start_process",
            title: "Start Process",
            description: "Start a long-lived process in your sandbox (a REPL, a build): either {command: [argv]} as "
                + "for run_command or {language, code} as for run_code ({language} alone: the interpreter as a REPL, "
                + "python3 -i). Returns a sessionId and the first output; "
                + "stdin stays open. Continue with read_process_output, write_process_input, kill_process.",
            inputSchema: Self.startSchema,
            outputSchema: Self.readingSchema,
            annotations: Self.annotations,
            permissions: Self.sessionPermissions
        ) { [manager] client, call in
            try await Self.startProcess(manager.value, client, call)
        }
        tools.register(
            name: "read_process_output",
            title: "Read Process Output",
            description: "Read a session's output from byte offsets (default: where you last read), waiting up to "
                + "timeout_ms for new output. Returns the next offsets (nothing is lost or read twice), whether the "
                + "process runs, its exit status, and how many bytes were dropped when the buffer overflowed.",
            inputSchema: Self.readSchema,
            outputSchema: Self.readingSchema,
            annotations: Self.readOnlySessionAnnotations,
            permissions: Self.sessionPermissions
        ) { [manager] client, call in
            try await Self.readOutput(manager.value, client, call)
        }
        tools.register(
            name: "write_process_input",
            title: "Write Process Input",
            description: "Write text to a session's stdin (at most 1 MiB), optionally closing it afterwards.",
            inputSchema: Self.writeSchema,
            annotations: Self.annotations,
            permissions: Self.sessionPermissions
        ) { [manager] client, call in
            try Self.writeInput(manager.value, client, call)
        }
        tools.register(
            name: "kill_process",
            title: "Kill Process",
            description: "Kill a session's whole run (its process group and cgroup): the signal (default TERM) "
                + "first, KILL for what is left after a grace period. The final output stays readable.",
            inputSchema: Self.killSchema,
            outputSchema: Self.readingSchema,
            annotations: ToolAnnotations(
                readOnlyHint: false,
                destructiveHint: true,
                idempotentHint: true,
                openWorldHint: false
            ),
            permissions: Self.sessionPermissions
        ) { [manager] client, call in
            try await Self.killProcess(manager.value, client, call)
        }
        tools.register(
            name: "list_processes",
            title: "List Processes",
            description: "List your process sessions (this client and this connection only): id, command, whether "
                + "it runs, exit status, start and last activity.",
            inputSchema: Self.listSchema,
            annotations: Self.readOnlySessionAnnotations,
            permissions: Self.sessionPermissions
        ) { [manager] client, call in
            ProcessSessionFormatter.list(manager.value.sessions.sessions(of: Self.owner(client, call)))
        }
    }

    static func owner(_ client: ClientContext, _ call: ToolCall) -> ProcessSession.Owner {
        ProcessSession.Owner(client: client.id, session: call.request.session.stateScope)
    }

    /// The caller's session named by `sessionId`; another caller's is "no such session" too.
    static func session(
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) throws(ToolError)
        -> ProcessSession
    {
        let id = call.string("sessionId") ?? ""
        call.request.annotate("processSession", .string(id))
        do {
            return try manager.sessions.find(id, owner: owner(client, call))
        } catch {
            throw ToolError(error.message)
        }
    }

    static func startProcess(
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) async throws(ToolError) -> ToolResult {
        let request = try ExecutionAudit.recordingInvalid(call) { () throws(ToolError) in
            switch (call.arguments["command"], call.arguments["code"] ?? call.arguments["language"]) {
            case (.some, nil): return try commandRequest(call)
            case (nil, .some):
                guard call.arguments["sudo"]?.boolValue != true else {
                    throw ToolError("sudo applies to the command form only ({command: [argv]})")
                }
                var request = try codeRequest(call)
                // A language without code: the interpreter itself, interactively (a REPL).
                request.isInteractive = call.arguments["code"] == nil
                return request
            default:
                throw ToolError("give either \"command\" (argv) or \"language\" and \"code\", not both")
            }
        }
        let waitMs = Int(call.integer("wait_ms") ?? 500)
        let cap = max(1, client.limits.outputKB) * 1024
        try await reserve(4 * cap + 65_536, call)
        call.request.extendDeadline(by: .milliseconds(waitMs) + .seconds(2))
        let session: ProcessSession
        do {
            session = try manager.start(request, client: client, owner: owner(client, call), summary: summary(request))
        } catch {
            ExecutionAudit.recordRefusal(error, request: request, on: call)
            throw ToolError(error.message, denial: error.denial)
        }
        ProcessSessionAudit.recordStart(session, request: request, on: call)
        let reading = await session.read(stdoutOffset: 0, stderrOffset: 0, wait: .milliseconds(waitMs))
        return ProcessSessionFormatter.reading(reading, of: session)
    }

    static func readOutput(
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) async throws(ToolError) -> ToolResult {
        let session = try session(manager, client, call)
        let waitMs = Int(call.integer("timeout_ms") ?? 1_000)
        let cap = max(1, client.limits.outputKB) * 1024
        try await reserve(4 * cap + 65_536, call)
        call.request.extendDeadline(by: .milliseconds(waitMs) + .seconds(2))
        let reading = await session.read(
            stdoutOffset: call.integer("stdoutOffset").map { Int(clamping: $0) },
            stderrOffset: call.integer("stderrOffset").map { Int(clamping: $0) },
            wait: .milliseconds(waitMs)
        )
        ProcessSessionAudit.recordRead(reading, on: call)
        return ProcessSessionFormatter.reading(reading, of: session)
    }

    static func writeInput(
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) throws(ToolError)
        -> ToolResult
    {
        let input = Array((call.string("input") ?? "").utf8)
        let close = call.arguments["close"]?.boolValue ?? false
        ProcessSessionAudit.recordWrite(bytes: input.count, close: close, on: call)
        let session = try session(manager, client, call)
        guard input.count <= ProcessSession.maximumPendingInput else {
            throw ToolError("input is \(input.count) bytes; at most \(ProcessSession.maximumPendingInput) per call")
        }
        do {
            try session.write(input, close: close)
        } catch {
            throw ToolError(error.message)
        }
        let text = "Wrote \(input.count) bytes to session \(session.id)" + (close ? "; stdin is closed" : "")
        return ToolResult(
            content: [.text(text)],
            structuredContent: [
                "sessionId": .string(session.id), "written": .int(Int64(input.count)), "closed": .bool(close),
            ]
        )
    }

    static func killProcess(
        _ manager: ExecutionManager,
        _ client: ClientContext,
        _ call: ToolCall
    ) async throws(ToolError) -> ToolResult {
        let session = try session(manager, client, call)
        let signals: [String: Int32] = ["TERM": SIGTERM, "KILL": SIGKILL, "INT": SIGINT, "HUP": SIGHUP]
        let name = call.string("signal") ?? "TERM"
        guard let signal = signals[name] else { throw ToolError("signal must be TERM, KILL, INT or HUP") }
        call.request.annotate("execution", ["kill": .string(name), "processSession": .string(session.id)])
        let wait = manager.gracePeriod + .seconds(1)
        call.request.extendDeadline(by: wait + .seconds(1))
        session.kill(signal: signal)
        await session.waitForEnd(timeout: wait)
        let reading = await session.read(stdoutOffset: nil, stderrOffset: nil, wait: .zero)
        return ProcessSessionFormatter.reading(reading, of: session)
    }

    /// What `list_processes` shows of a session: the argv (cut), or the language and code size.
    static func summary(_ request: ExecutionRequest) -> String {
        switch request.program {
        case .command(let argv):
            let text = argv.joined(separator: " ")
            return text.count > 200 ? String(text.prefix(200)) + "…" : text
        case .code(let language, let source):
            return request.isInteractive ? "\(language) (interactive)" : "\(language) code (\(source.utf8.count) bytes)"
        }
    }
}

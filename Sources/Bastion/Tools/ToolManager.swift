import BastionProtocol
import BastionResources
import BastionSecurity
import Logging

/// Lists and calls tools through the security chain: permission check, argument validation,
/// sandbox validation, human approval, execution, with every decision noted for the audit record.
final class ToolManager: Sendable {
    private let tools: [ToolDefinition]
    private let index: [String: Int]
    private let sandbox: any SandboxValidator
    /// The human approval step; `nil` runs every permitted call without asking.
    let approvals: ApprovalManager?
    /// What answers may hold in memory at once, process-wide; `nil` bounds nothing.
    let memoryBudget: MemoryBudget?
    /// The isolation workers of clients with `isolation = "process"`; `nil` runs every tool here.
    let isolation: IsolationWorkers?
    private let logger: Logger

    init(
        tools: [ToolDefinition],
        sandbox: any SandboxValidator,
        approvals: ApprovalManager? = nil,
        memoryBudget: MemoryBudget? = nil,
        isolation: IsolationWorkers? = nil,
        logger: Logger
    ) {
        self.isolation = isolation
        self.tools = tools
        self.memoryBudget = memoryBudget
        self.index = Dictionary(tools.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.sandbox = sandbox
        self.approvals = approvals
        self.logger = logger
    }

    /// Whether the named tool's handler never blocks its thread (it may then start inline).
    func isNonBlocking(_ name: String?) -> Bool {
        guard let name, let position = index[name] else { return true }  // unknown tool: an instant error
        return tools[position].isNonBlocking
    }

    /// The tools a client may call: a client never sees a tool it lacks the permissions for, a
    /// tool that declares none, or (when `read_only`) a tool not annotated read-only.
    func visibleTools(for client: ClientContext) -> [ToolDefinition] {
        tools.filter { Self.check(client, $0).isAllowed }
    }

    /// Whether the client holds, now, the rights a call of the tool `name` needs (a reload may have
    /// taken them since); an unknown tool is no.
    func permits(_ name: String, for client: ClientContext) -> Bool {
        guard let position = index[name] else { return false }
        return Self.check(client, tools[position]).isAllowed
    }

    /// The tool-level check ([2] of the security chain) of one tool for one client.
    static func check(_ client: ClientContext, _ tool: ToolDefinition) -> PermissionDecision {
        client.checkTool(tool.permissions, isReadOnly: tool.annotations.readOnlyHint == true)
    }

    /// Answers `tools/list`.
    func list(
        params: JSONValue?,
        client: ClientContext,
        version: ProtocolVersion,
        pageSize: Int
    )
        throws(JSONRPCError) -> JSONValue
    {
        let pagination = Pagination(list: "tools", pageSize: pageSize)
        let (page, next) = try pagination.page(visibleTools(for: client), cursor: params?["cursor"])
        var result: [String: JSONValue] = ["tools": .array(page.map { $0.listing(for: version) })]
        if let next { result["nextCursor"] = .string(next) }
        return .object(result)
    }

    /// Whether a 2026-07-28 call would be made a task: its tool may run as one and the request
    /// declared the tasks extension.
    /// - Throws: -32021 naming the extension for a tool that runs only as a task when the request
    ///   did not declare it (SEP-2663).
    func runsAsExtensionTask(params: JSONValue?, declared: Bool) throws(JSONRPCError) -> Bool {
        guard let name = params?["name"]?.stringValue, let position = index[name] else { return false }
        let support = tools[position].taskSupport
        if support == .required && !declared {
            throw TasksExtension.missing("the tool \"\(name)\" runs only as a task, so calling it")
        }
        return declared && support != .forbidden
    }

    /// Refuses a task-augmented call of a tool that forbids it, and a plain call of one that requires
    /// it (-32601, tasks.mdx); an unknown tool is left to the call to refuse.
    func checkTaskAugmentation(params: JSONValue?, asTask: Bool) throws(JSONRPCError) {
        guard let name = params?["name"]?.stringValue, let position = index[name] else {
            if asTask { throw .invalidParams("unknown tool \"\(params?["name"]?.stringValue ?? "")\"") }
            return
        }
        switch (tools[position].taskSupport, asTask) {
        case (.forbidden, true):
            throw JSONRPCError(
                code: JSONRPCError.methodNotFoundCode,
                message: "The tool \"\(name)\" cannot be called as a task (its execution.taskSupport is forbidden)"
            )
        case (.required, false):
            throw JSONRPCError(
                code: JSONRPCError.methodNotFoundCode,
                message: "The tool \"\(name)\" can only be called as a task (its execution.taskSupport is required)"
            )
        default:
            return
        }
    }

    /// Runs an authorized, approved call later: given the call's work, it returns what the request
    /// answers now (the tasks extension's `CreateTaskResult`).
    typealias Deferral = (_ work: @escaping TaskStore.Work) throws(JSONRPCError) -> JSONValue

    /// Answers `tools/call`.
    /// - Parameter deferral: Where a call of a tool that may run as a task goes once every gate
    ///   has passed (the request then gets what it returns); `nil` runs every call now.
    func call(
        params: JSONValue?,
        client: ClientContext,
        context: RequestContext,
        version: ProtocolVersion,
        deferral: Deferral? = nil
    )
        async throws(JSONRPCError) -> JSONValue
    {
        guard let name = params?["name"]?.stringValue else { throw .invalidParams("\"name\" must be a string") }
        context.annotate("tool", .string(name))
        guard let position = index[name] else { throw .invalidParams("unknown tool \"\(name)\"") }
        let tool = tools[position]
        // [2] Permission check. A denial is a tool result the model can read, never a crash.
        let decision = Self.check(client, tool)
        if !decision.isAllowed {
            context.annotate("decision", "deny")
            // A read_only client refused a writing tool lacks what the tool declares.
            let required =
                tool.permissions.permissions.map(\.description) + tool.permissions.perCallKinds.map(\.spelling)
            let missing = decision.missingPermission ?? required.joined(separator: ", ")
            if !missing.isEmpty { context.annotate("permission", .string(missing)) }
            context.annotate("outcome", "denied")
            // Unvalidated, so whatever was sent: summarized and redacted like any other call's.
            context.annotate("args", AuditRedactor.summarize(params?["arguments"] ?? .object([:])))
            return ToolResult.error(decision.reason(action: "tool \"\(name)\"") ?? "Permission denied").json(
                for: version
            )
        }
        context.annotate("decision", "allow")
        let arguments: [String: JSONValue]
        switch validate(params?["arguments"], for: tool) {
        case .success(let valid):
            arguments = valid
        case .failure(let problem):
            // -32602 up to 2025-06-18; from 2025-11-25 an isError result the model can correct.
            context.annotate("outcome", "invalid-arguments")
            let message = "Invalid arguments for tool \"\(name)\": \(problem.message)"
            guard version.reportsArgumentErrorsAsToolResults else { throw .invalidParams(message) }
            return ToolResult.error(message).json(for: version)
        }
        context.annotate("args", AuditRedactor.summarize(.object(arguments)))
        // [3] Sandbox validation.
        if let refusal = sandbox.validate(tool: name, arguments: arguments, client: client) {
            context.annotate("outcome", "sandbox-refused")
            return ToolResult.error("Refused: \(refusal)").json(for: version)
        }
        // Human approval, the last gate: only a call that would otherwise run is put to a person.
        var basis: ApprovalBasis?
        if let approvals {
            let retry = InputRetry(params: params)
            switch await approvals.review(
                tool: tool,
                arguments: arguments,
                client: client,
                context: context,
                retry: retry
            ) {
            case .refused(let refusal):
                context.annotate("outcome", "not-approved")
                return ToolResult.error(refusal.message(tool: name)).json(for: version)
            case .inputRequired(let result):
                context.annotate("outcome", "input-required")
                return result
            case .failed(let error):
                context.annotate("outcome", "not-approved")
                throw error
            case .allowed(_, let approved):
                basis = approved
            case .notRequired:
                break
            }
        }
        // A task is made only of a call that would run now: every gate above, approval included,
        // is passed on the request itself (SEP-2663: input before the task, on the request).
        if let deferral, tool.taskSupport != .forbidden {
            let carried = context.annotations.filter { $0.key != "outcome" }
            return try deferral { [self, basis] own throws(JSONRPCError) in
                for (key, value) in carried { own.annotate(key, value) }
                return await run(
                    tool,
                    arguments: arguments,
                    client: client,
                    context: own,
                    basis: basis,
                    version: version
                )
            }
        }
        return await run(tool, arguments: arguments, client: client, context: context, basis: basis, version: version)
    }

    /// [4] Execution (a file change approved on a preview writes only if the file is still as
    /// shown), and the outcome noted on the record.
    private func run(
        _ tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext,
        context: RequestContext,
        basis: ApprovalBasis?,
        version: ProtocolVersion
    ) async -> JSONValue {
        let result = await execute(tool, arguments: arguments, client: client, context: context, basis: basis)
        if let denial = result.denial {
            // A path or command refused inside the call: the record says deny, not allow + error.
            context.note(denial)
            context.annotate("outcome", result.isError ? "denied" : "partial")
        } else {
            context.annotate("outcome", result.isError ? "error" : "ok")
        }
        return result.json(for: version)
    }

    private func validate(_ raw: JSONValue?, for tool: ToolDefinition) -> Result<[String: JSONValue], ToolError> {
        // Absent and null arguments both mean "no arguments" (JSONValue is nil-literal convertible,
        // so the optional is unwrapped explicitly rather than with a `nil`-returning closure).
        var arguments: JSONValue = .object([:])
        if let raw, !raw.isNull { arguments = raw }
        guard case .object(let members) = arguments else { return .failure(ToolError("arguments must be an object")) }
        if let problem = ArgumentValidator.validate(arguments, against: tool.inputSchema) {
            return .failure(ToolError(problem))
        }
        return .success(members)
    }

    private func execute(
        _ tool: ToolDefinition,
        arguments: [String: JSONValue],
        client: ClientContext,
        context: RequestContext,
        basis: ApprovalBasis?
    ) async -> ToolResult {
        // Past the session's handler deadline (the client's timeout_ms) the session cancels the
        // handler; the call then ends with an error result saying so.
        let call = ToolCall(
            name: tool.name,
            arguments: arguments,
            request: context,
            memoryBudget: memoryBudget,
            approvalBasis: basis
        )
        if !tool.runsInServer, let isolation, isolation.isIsolated(client) {
            // Off the cooperative pool: a write to a worker that stopped reading waits until the
            // call's deadline kills the worker, and must not starve the watchdog that does it.
            return await withTaskExecutorPreference(BlockingExecutor.shared) {
                await isolation.run(tool, call: call, client: client)
            }
        }
        return await Self.runHandler(tool, call: call, client: client, logger: logger)
    }

    /// Runs a tool's handler in this process (the server's, or a client's isolation worker): a
    /// handler that may block on a thread of its own; a thrown ``ToolError`` becomes an `isError`
    /// result, cancellation and timeouts a result saying so.
    static func runHandler(
        _ tool: ToolDefinition,
        call: ToolCall,
        client: ClientContext,
        logger: Logger
    ) async -> ToolResult {
        do {
            // A handler that may block runs on its own thread, off the cooperative pool.
            guard !tool.isNonBlocking else { return try await tool.handler(client, call) }
            return try await withTaskExecutorPreference(BlockingExecutor.shared) {
                try await tool.handler(client, call)
            }
        } catch let error as ToolError {
            return .error(error)
        } catch is CancellationError {
            return cancelledResult(tool, context: call.request, client: client)
        } catch {
            logger.error("Tool failed", metadata: ["tool.name": "\(tool.name)", "error": "\(error)"])
            return .error("The tool \"\(tool.name)\" failed with an internal error")
        }
    }

    /// The result of a call stopped by its deadline (the client's `timeout_ms`) or its cancellation.
    static func cancelledResult(_ tool: ToolDefinition, context: RequestContext, client: ClientContext) -> ToolResult {
        if context.isTimedOut {
            return .error("The tool \"\(tool.name)\" timed out after \(client.limits.timeoutMs) ms")
        }
        return .error("The call was cancelled")
    }
}

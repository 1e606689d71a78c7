import BastionProtocol
import BastionSecurity

extension ServerRuntime {
    /// `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel` (2025-11-25 tasks.mdx), and
    /// `tasks/get`, `tasks/update` and `tasks/cancel` of the tasks extension on 2026-07-28, for the
    /// caller's own tasks only. Before 2025-11-25 they do not exist (-32601).
    func addTaskRoutes(to router: inout RequestRouter, client: ClientContext) {
        router.on("tasks/get", start: .inline) { [self] params, context throws(JSONRPCError) in
            if context.envelope != nil {
                return try extensionTask(params, client, context).detailedJSON
            }
            try Self.requireTasks(context)
            return try tasks.find(params?["taskId"], owner: Self.owner(client, context)).json
        }
        router.on("tasks/result") { [tasks] params, context throws(JSONRPCError) in
            try Self.requireTasks(context)
            let task = try tasks.find(params?["taskId"], owner: Self.owner(client, context))
            // Blocks until the call ends, which its own deadline bounds: this request may wait that long.
            context.extendDeadline(by: .milliseconds(client.limits.timeoutMs) + .seconds(10))
            guard let answer = await task.answer() else { throw .internalError("cancelled") }
            switch answer {
            case .success(let result):
                guard case .object(var members) = result else { return result }
                var meta = members["_meta"]?.objectValue ?? [:]
                meta[RequestContext.relatedTaskKey] = ["taskId": .string(task.id)]
                members["_meta"] = .object(meta)
                return .object(members)
            case .failure(let error):
                throw error
            }
        }
        router.on("tasks/list", start: .inline) { [tasks, pageSize] params, context throws(JSONRPCError) in
            try Self.requireTasks(context)
            let pagination = Pagination(list: "tasks", pageSize: pageSize)
            let (page, next) = try pagination.page(
                tasks.tasks(of: Self.owner(client, context)),
                cursor: params?["cursor"]
            )
            var result: [String: JSONValue] = ["tasks": .array(page.map(\.json))]
            if let next { result["nextCursor"] = .string(next) }
            return .object(result)
        }
        router.on("tasks/update", start: .inline) { [self] params, context throws(JSONRPCError) in
            guard context.envelope != nil else { throw .methodNotFound("tasks/update") }
            let task = try extensionTask(params, client, context)
            // Bastion's tasks never wait for input (approval is asked before a task is made), so
            // no key is outstanding and every response is ignored, as SEP-2663 says of such keys.
            if let responses = params?["inputResponses"], responses.objectValue == nil {
                throw .invalidParams("\"inputResponses\" must be an object keyed by input request")
            }
            context.annotate("task", .string(task.id))
            return [:]
        }
        router.on("tasks/cancel", start: .inline) { [self] params, context throws(JSONRPCError) in
            if context.envelope != nil {
                let task = try extensionTask(params, client, context)
                // Cooperative and acknowledged whatever the status: an ended task stays as it ended.
                if (try? task.cancel(reason: "The task was cancelled by request.")) != nil {
                    tasks.announce(task, on: context.session)
                }
                context.annotate("task", .string(task.id))
                return [:]
            }
            try Self.requireTasks(context)
            let task = try tasks.find(params?["taskId"], owner: Self.owner(client, context))
            try task.cancel(reason: "The task was cancelled by request.")
            context.annotate("task", .string(task.id))
            tasks.announce(task, on: context.session)
            return task.json
        }
    }

    static func owner(_ client: ClientContext, _ context: RequestContext) -> ToolTask.Owner {
        ToolTask.Owner(client: client.id, session: context.session.id)
    }

    /// The caller's task of the tasks extension named by `params.taskId`.
    /// - Throws: -32021 when the request does not declare the extension (SEP-2663: every
    ///   `tasks/*` request must); -32602 "Task not found" for any task not the caller's, and for
    ///   one whose tool the caller no longer has the rights to (a reload took them): such a task
    ///   is cancelled and dropped, its result never given out (SEP-2663, "auth binding").
    func extensionTask(
        _ params: JSONValue?,
        _ client: ClientContext,
        _ context: RequestContext
    ) throws(JSONRPCError) -> ToolTask {
        guard context.client?.supportsTasksExtension == true else { throw TasksExtension.missing(context.method) }
        let owner = ToolTask.Owner(client: client.id, session: TaskStore.extensionSession)
        let task = try tasks.find(params?["taskId"], owner: owner)
        context.annotate("task", .string(task.id))
        if let tool = task.toolName, !tools.permits(tool, for: client) {
            tasks.revoke(task, reason: "The client no longer holds the rights to \(tool).")
            context.annotate("decision", "deny")
            throw .invalidParams("Failed to retrieve task: Task not found")
        }
        return task
    }

    static func requireTasks(_ context: RequestContext) throws(JSONRPCError) {
        guard context.version.hasTasks else {
            throw .methodNotFound(
                "\(context.method) (tasks arrived in protocol 2025-11-25; this session uses \(context.version.rawValue))"
            )
        }
    }
}

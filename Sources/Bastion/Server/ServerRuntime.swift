import BastionProtocol
import BastionResources
import BastionSecurity
import Logging

/// The assembled server: the managers every session shares, and the routes that bind a session's
/// requests to them for one authenticated client.
final class ServerRuntime: Sendable {
    let tools: ToolManager
    let resources: ResourceManager
    let prompts: PromptManager
    let completion: CompletionService
    /// Task-augmented tool calls of every session (2025-11-25).
    let tasks = TaskStore()
    let pageSize: Int
    /// What answers may hold in memory at once, across sessions; `nil` bounds nothing.
    let memoryBudget: MemoryBudget?
    let logger: Logger

    init(
        tools: ToolManager,
        resources: ResourceManager,
        prompts: PromptManager,
        pageSize: Int,
        memoryBudget: MemoryBudget? = nil,
        logger: Logger
    ) {
        self.logger = logger
        self.memoryBudget = memoryBudget
        self.tools = tools
        self.resources = resources
        self.prompts = prompts
        self.completion = CompletionService(prompts: prompts, resources: resources)
        self.pageSize = pageSize
    }

    /// Applies the approval settings of a reloaded configuration (before the clients' new rights).
    func applyApprovals(_ configuration: BastionConfiguration) {
        tools.approvals?.replaceSettings(configuration.clients)
    }

    /// Applies a reloaded configuration to the isolation workers, once the clients' new rules are
    /// in force: a worker started from then on is built from both, and one started before is
    /// started again (review 10, finding 4).
    func applyIsolation(_ configuration: BastionConfiguration, protectedPaths: [String]) {
        tools.isolation?.reload(configuration, protectedPaths: protectedPaths)
    }

    /// What every session declares: all of it is served (subscriptions by the file resources).
    static let capabilities = ServerCapabilities(
        tools: true,
        toolsListChanged: true,
        resources: true,
        resourceSubscriptions: true,
        prompts: true,
        logging: true,
        completions: true,
        tasks: true
    )

    /// The routes of one client's session. Every handler runs with that client's context.
    func makeRouter(for client: ClientContext) -> RequestRouter {
        var router = RequestRouter()
        router.on("tools/list", start: .inline) { [self] params, context throws(JSONRPCError) in
            try tools.list(params: params, client: client, version: context.version, pageSize: pageSize)
        }
        router.on("tools/call", start: .inlineWhen { [tools] in tools.isNonBlocking($0?["name"]?.stringValue) }) {
            [self] params, context throws(JSONRPCError) in
            let version = context.version
            if context.envelope != nil {
                return try await callModern(params: params, client: client, context: context, version: version)
            }
            // A server that declares no tasks (before 2025-11-25) ignores `task` (tasks.mdx).
            let request = version.hasTasks ? params?["task"].flatMap { $0.isNull ? nil : $0 } : nil
            try tools.checkTaskAugmentation(params: params, asTask: request != nil)
            guard let request else {
                return try await tools.call(params: params, client: client, context: context, version: version)
            }
            return try tasks.start(
                request,
                params: params,
                client: client,
                context: context,
                timeout: .milliseconds(client.limits.timeoutMs)
            ) { [tools] own throws(JSONRPCError) in
                try await tools.call(params: params, client: client, context: own, version: version)
            }
        }
        addTaskRoutes(to: &router, client: client)
        addListenRoute(to: &router, client: client)
        router.on("resources/list") { [self] params, _ throws(JSONRPCError) in
            try await resources.list(params: params, client: client, pageSize: pageSize)
        }
        router.on("resources/subscribe") { [self] params, context throws(JSONRPCError) in
            try await resources.subscribe(params: params, client: client, context: context)
        }
        router.on("resources/unsubscribe", start: .inline) { [self] params, context throws(JSONRPCError) in
            try resources.unsubscribe(params: params, context: context)
        }
        router.on("resources/templates/list", start: .inline) { [self] params, _ throws(JSONRPCError) in
            try resources.listTemplates(params: params, client: client, pageSize: pageSize)
        }
        router.on("resources/read") { [self] params, context throws(JSONRPCError) in
            try await resources.read(params: params, client: client, context: context)
        }
        router.on("prompts/list", start: .inline) { [self] params, context throws(JSONRPCError) in
            try prompts.list(params: params, version: context.version, pageSize: pageSize)
        }
        router.on("prompts/get", start: .inline) { [self] params, _ throws(JSONRPCError) in
            try prompts.get(params: params)
        }
        router.on("completion/complete", start: .inline) { [self] params, _ throws(JSONRPCError) in
            try completion.complete(params: params, client: client)
        }
        for notification in ["notifications/initialized", "notifications/roots/list_changed"] {
            router.onNotification(notification) { [logger] _, session in
                ClientRoots.refresh(session: session, client: client, logger: logger)
            }
        }
        return router
    }
}

extension ServerRuntime {
    /// `tools/call` on 2026-07-28: the server makes a task of a call of a tool that may run as one
    /// (`taskSupport` optional or required) when, and only when, this request declares the tasks
    /// extension; every other call is answered when it ends.
    func callModern(
        params: JSONValue?,
        client: ClientContext,
        context: RequestContext,
        version: ProtocolVersion
    ) async throws(JSONRPCError) -> JSONValue {
        let declared = context.client?.supportsTasksExtension == true
        guard try tools.runsAsExtensionTask(params: params, declared: declared) else {
            return try await tools.call(params: params, client: client, context: context, version: version)
        }
        // Before any gate: a person is never asked about a call that could not start.
        try tasks.checkRoom(owner: ToolTask.Owner(client: client.id, session: TaskStore.extensionSession))
        return try await tools.call(params: params, client: client, context: context, version: version) {
            [tasks] work throws(JSONRPCError) in
            try tasks.startForExtension(
                params: params,
                client: client,
                context: context,
                timeout: .milliseconds(client.limits.timeoutMs),
                work: work
            )
        }
    }
}

extension RequestContext {
    /// The session's negotiated version; requests only run after `initialize`, so the fallback is moot.
    var version: ProtocolVersion { session.negotiatedVersion ?? .latest }
}

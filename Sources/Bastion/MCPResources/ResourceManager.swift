import BastionProtocol
import BastionSecurity
import Logging
import Synchronization

/// Serves `resources/list`, `resources/templates/list` and `resources/read`, showing each client
/// only what its permissions allow.
final class ResourceManager: Sendable {
    private let resources: [ResourceDefinition]
    private let templates: [ResourceTemplateDefinition]
    private let providers: [any ResourceProvider]
    /// What answers may hold in memory at once, process-wide (`resources/read` of large files).
    private let memoryBudget: MemoryBudget?
    /// The most resources one session may be subscribed to (each can hold an inotify watch).
    let maxSubscriptionsPerSession: Int
    /// The URIs each session is subscribed to.
    private let subscriptions = Mutex<[ObjectIdentifier: Set<String>]>([:])
    private let logger: Logger
    /// The isolation workers: an isolated client's reads run in its worker.
    let isolation: IsolationWorkers?

    init(
        registry: ResourceRegistry,
        memoryBudget: MemoryBudget? = nil,
        maxSubscriptionsPerSession: Int = 1_024,
        isolation: IsolationWorkers? = nil,
        logger: Logger
    ) {
        self.isolation = isolation
        self.resources = registry.resources
        self.templates = registry.templates
        self.providers = registry.providers
        self.memoryBudget = memoryBudget
        self.maxSubscriptionsPerSession = max(0, maxSubscriptionsPerSession)
        self.logger = logger
    }

    /// Whether any provider can send `notifications/resources/updated`.
    var supportsSubscriptions: Bool { !providers.isEmpty }

    /// Answers `resources/list`: the fixed resources first, then each provider's, page by page.
    ///
    /// Cursors are `resources:N` inside the fixed list and `resources@P:INNER` inside provider P.
    func list(params: JSONValue?, client: ClientContext, pageSize: Int) async throws(JSONRPCError) -> JSONValue {
        let cursor = params?["cursor"].flatMap { $0.isNull ? nil : $0 }
        let visible = resources.filter { client.check($0.permissions).isAllowed }
        var provider = 0
        var inner: String?
        if let text = cursor?.stringValue, text.hasPrefix("resources@"), let colon = text.firstIndex(of: ":"),
            let index = Int(text[text.index(text.startIndex, offsetBy: 10)..<colon]), providers.indices.contains(index)
        {
            provider = index
            let rest = String(text[text.index(after: colon)...])
            inner = rest.isEmpty ? nil : rest
        } else if cursor != nil || !visible.isEmpty {
            let (page, next) = try Pagination(list: "resources", pageSize: pageSize).page(visible, cursor: cursor)
            var result: [String: JSONValue] = ["resources": .array(page.map(\.listing))]
            if let next {
                result["nextCursor"] = .string(next)
            } else if !providers.isEmpty {
                result["nextCursor"] = "resources@0:"
            }
            return .object(result)
        }
        guard providers.indices.contains(provider) else { return ["resources": []] }
        let source = providers[provider]
        let (page, next) = try await offThePool { () async throws(JSONRPCError) in
            try await source.list(client: client, after: inner, limit: max(1, pageSize))
        }
        var result: [String: JSONValue] = ["resources": .array(page)]
        if let next {
            result["nextCursor"] = .string("resources@\(provider):\(next)")
        } else if provider + 1 < providers.count {
            result["nextCursor"] = .string("resources@\(provider + 1):")
        }
        return .object(result)
    }

    /// Answers `resources/subscribe`: a provider's resource gets update notifications; a fixed one
    /// never changes, so subscribing to it is accepted and silent. A session holds at most
    /// ``maxSubscriptionsPerSession`` subscriptions (each may cost an inotify watch, a per-user kernel
    /// resource): past that, a new one is refused until another is dropped; renewing one is free.
    func subscribe(
        params: JSONValue?,
        client: ClientContext,
        context: RequestContext
    ) async throws(JSONRPCError) -> JSONValue {
        guard let uri = params?["uri"]?.stringValue else { throw .invalidParams("\"uri\" must be a string") }
        context.annotate("uri", .string(uri.utf8.count > 512 ? "<\(uri.utf8.count) bytes>" : uri))
        let session = ObjectIdentifier(context.session)
        let isNew = try claimSubscription(uri, session: session)
        do throws(JSONRPCError) {
            if let provider = providers.first(where: { $0.owns(uri) }) {
                try await provider.subscribe(client: client, uri: uri, context: context)
            } else if !resources.contains(where: { $0.uri == uri && client.check($0.permissions).isAllowed }) {
                throw JSONRPCError.resourceNotFound(uri)
            }
        } catch {
            if isNew { dropSubscription(uri, session: session) }
            throw error
        }
        return [:]
    }

    /// Counts `uri` for the session, refusing it past the cap; returns whether it was new.
    private func claimSubscription(_ uri: String, session: ObjectIdentifier) throws(JSONRPCError) -> Bool {
        let limit = maxSubscriptionsPerSession
        let claimed = subscriptions.withLock { subscriptions -> Bool? in
            if subscriptions[session]?.contains(uri) == true { return false }
            guard subscriptions[session, default: []].count < limit else { return nil }
            subscriptions[session, default: []].insert(uri)
            return true
        }
        guard let claimed else {
            throw .invalidRequest(
                "this session already has \(limit) resource subscriptions, the most allowed; "
                    + "unsubscribe from one (resources/unsubscribe) before subscribing to another"
            )
        }
        return claimed
    }

    private func dropSubscription(_ uri: String, session: ObjectIdentifier) {
        subscriptions.withLock { subscriptions in
            subscriptions[session]?.remove(uri)
            if subscriptions[session]?.isEmpty == true { subscriptions[session] = nil }
        }
    }

    /// Answers `resources/unsubscribe`.
    func unsubscribe(params: JSONValue?, context: RequestContext) throws(JSONRPCError) -> JSONValue {
        guard let uri = params?["uri"]?.stringValue else { throw .invalidParams("\"uri\" must be a string") }
        for provider in providers where provider.owns(uri) { provider.unsubscribe(uri: uri, session: context.session) }
        dropSubscription(uri, session: ObjectIdentifier(context.session))
        return [:]
    }

    /// Drops a finished session's subscriptions.
    func sessionEnded(_ session: MCPSession) {
        for provider in providers { provider.sessionEnded(session) }
        subscriptions.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(session)) }
    }

    /// How many subscriptions a session holds (for tests).
    func subscriptionCount(of session: MCPSession) -> Int {
        subscriptions.withLock { $0[ObjectIdentifier(session)]?.count ?? 0 }
    }

    func listTemplates(params: JSONValue?, client: ClientContext, pageSize: Int) throws(JSONRPCError) -> JSONValue {
        let visible = templates.filter { client.check($0.permissions).isAllowed }
        let pagination = Pagination(list: "templates", pageSize: pageSize)
        let (page, next) = try pagination.page(visible, cursor: params?["cursor"])
        var result: [String: JSONValue] = ["resourceTemplates": .array(page.map(\.listing))]
        if let next { result["nextCursor"] = .string(next) }
        return .object(result)
    }

    /// Answers `resources/read`; an unknown or hidden URI is -32002, as if it did not exist.
    func read(
        params: JSONValue?,
        client: ClientContext,
        context: RequestContext
    ) async throws(JSONRPCError)
        -> JSONValue
    {
        guard let uri = params?["uri"]?.stringValue else { throw .invalidParams("\"uri\" must be a string") }
        context.annotate("uri", .string(uri.utf8.count > 512 ? "<\(uri.utf8.count) bytes>" : uri))
        if let isolation, isolation.isIsolated(client) {
            return try await withTaskExecutorPreference(BlockingExecutor.shared) { () async throws(JSONRPCError) in
                try await isolation.readResource(uri, client: client, context: context)
            }
        }
        let contents: [ResourceContents]
        do {
            contents = try await withTaskExecutorPreference(BlockingExecutor.shared) {
                try await contentsOf(uri, client: client, memory: AnswerMemory(budget: memoryBudget, request: context))
            }
        } catch let error as JSONRPCError {
            throw error
        } catch let error as ToolError {
            throw .internalError(error.message)
        } catch {
            logger.error("Resource read failed", metadata: ["resource.uri": "\(uri)", "error": "\(error)"])
            throw .internalError("reading the resource failed")
        }
        return ["contents": .array(contents.map(\.json))]
    }

    /// Reads `uri` from whichever source owns it (may block: providers and readers touch the disk).
    private func contentsOf(
        _ uri: String,
        client: ClientContext,
        memory: AnswerMemory
    ) async throws -> [ResourceContents] {
        if let provider = providers.first(where: { $0.owns(uri) }) {
            return try await provider.read(client: client, uri: uri, memory: memory)
        } else if let resource = resources.first(where: { $0.uri == uri }), client.check(resource.permissions).isAllowed
        {
            return try await resource.read(client)
        } else if let (template, variables) = matchTemplate(uri, client: client) {
            return try await template.read(client, uri, variables)
        }
        throw JSONRPCError.resourceNotFound(uri)
    }

    /// Runs resource work that may block its thread (walks and reads of files) on the blocking
    /// executor, as ``ToolManager`` does for blocking tools, so it never holds a thread of the
    /// cooperative pool that every session's protocol work shares.
    private func offThePool<T: Sendable>(
        _ body: () async throws(JSONRPCError) -> T
    ) async throws(JSONRPCError) -> T {
        try await withTaskExecutorPreference(BlockingExecutor.shared, operation: body)
    }

    /// Suggestions for a template variable (`completion/complete` with `ref/resource`).
    func complete(uri: String, variable: String, prefix: String, client: ClientContext) -> [String]? {
        guard let template = templates.first(where: { $0.template.pattern == uri }),
            client.check(template.permissions).isAllowed
        else { return nil }
        return template.complete?(variable, prefix) ?? []
    }

    private func matchTemplate(_ uri: String, client: ClientContext) -> (ResourceTemplateDefinition, [String: String])?
    {
        for template in templates where client.check(template.permissions).isAllowed {
            if let variables = template.template.match(uri) { return (template, variables) }
        }
        return nil
    }
}

import BastionProtocol
import BastionSecurity
import Logging

/// Serves `resources/list`, `resources/templates/list` and `resources/read`, showing each client
/// only what its permissions allow.
final class ResourceManager: Sendable {
    private let resources: [ResourceDefinition]
    private let templates: [ResourceTemplateDefinition]
    private let providers: [any ResourceProvider]
    private let logger: Logger

    init(registry: ResourceRegistry, logger: Logger) {
        self.resources = registry.resources
        self.templates = registry.templates
        self.providers = registry.providers
        self.logger = logger
    }

    /// Whether any provider can send `notifications/resources/updated`.
    var supportsSubscriptions: Bool { !providers.isEmpty }

    /// Answers `resources/list`.
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
        let (page, next) = try await providers[provider].list(client: client, after: inner, limit: max(1, pageSize))
        var result: [String: JSONValue] = ["resources": .array(page)]
        if let next {
            result["nextCursor"] = .string("resources@\(provider):\(next)")
        } else if provider + 1 < providers.count {
            result["nextCursor"] = .string("resources@\(provider + 1):")
        }
        return .object(result)
    }

    /// Answers `resources/subscribe`: a provider's resource gets update notifications; a fixed one
    /// never changes, so subscribing to it is accepted and silent.
    func subscribe(
        params: JSONValue?,
        client: ClientContext,
        context: RequestContext
    ) async throws(JSONRPCError) -> JSONValue {
        guard let uri = params?["uri"]?.stringValue else { throw .invalidParams("\"uri\" must be a string") }
        context.annotate("uri", .string(uri.utf8.count > 512 ? "<\(uri.utf8.count) bytes>" : uri))
        if let provider = providers.first(where: { $0.owns(uri) }) {
            try await provider.subscribe(client: client, uri: uri, session: context.session)
        } else if !resources.contains(where: { $0.uri == uri && client.check($0.permissions).isAllowed }) {
            throw .resourceNotFound(uri)
        }
        return [:]
    }

    /// Answers `resources/unsubscribe`.
    func unsubscribe(params: JSONValue?, context: RequestContext) throws(JSONRPCError) -> JSONValue {
        guard let uri = params?["uri"]?.stringValue else { throw .invalidParams("\"uri\" must be a string") }
        for provider in providers where provider.owns(uri) { provider.unsubscribe(uri: uri, session: context.session) }
        return [:]
    }

    /// Drops a finished session's subscriptions.
    func sessionEnded(_ session: MCPSession) {
        for provider in providers { provider.sessionEnded(session) }
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
        let contents: [ResourceContents]
        do {
            if let provider = providers.first(where: { $0.owns(uri) }) {
                contents = try await provider.read(client: client, uri: uri, context: context)
            } else if let resource = resources.first(where: { $0.uri == uri }),
                client.check(resource.permissions).isAllowed
            {
                contents = try await resource.read(client)
            } else if let (template, variables) = matchTemplate(uri, client: client) {
                contents = try await template.read(client, uri, variables)
            } else {
                throw JSONRPCError.resourceNotFound(uri)
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

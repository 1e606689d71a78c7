import BastionProtocol
import BastionSecurity
import Logging

/// Serves `resources/list`, `resources/templates/list` and `resources/read`, showing each client
/// only what its permissions allow.
final class ResourceManager: Sendable {
    private let resources: [ResourceDefinition]
    private let templates: [ResourceTemplateDefinition]
    private let logger: Logger

    init(registry: ResourceRegistry, logger: Logger) {
        self.resources = registry.resources
        self.templates = registry.templates
        self.logger = logger
    }

    /// Answers `resources/list`.
    func list(params: JSONValue?, client: ClientContext, pageSize: Int) throws(JSONRPCError) -> JSONValue {
        let visible = resources.filter { client.check($0.permissions).isAllowed }
        let (page, next) = try Pagination(list: "resources", pageSize: pageSize).page(
            visible,
            cursor: params?["cursor"]
        )
        var result: [String: JSONValue] = ["resources": .array(page.map(\.listing))]
        if let next { result["nextCursor"] = .string(next) }
        return .object(result)
    }

    /// Answers `resources/templates/list`.
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
            if let resource = resources.first(where: { $0.uri == uri }), client.check(resource.permissions).isAllowed {
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

public import BastionSecurity

/// Where modules register resources and resource templates.
public struct ResourceRegistry: Sendable {
    /// Fixed resources, in registration order.
    public private(set) var resources: [ResourceDefinition] = []
    /// Templates, in registration order.
    public private(set) var templates: [ResourceTemplateDefinition] = []
    /// Providers of resources that are not a fixed list (files), in registration order.
    public private(set) var providers: [any ResourceProvider] = []
    /// Registration mistakes; the server refuses to start while any remain.
    public private(set) var problems: [String] = []

    /// Creates an empty registry.
    public init() {}

    /// Adds a provider of dynamic resources; they are listed after the fixed ones.
    public mutating func register(provider: any ResourceProvider) {
        providers.append(provider)
    }

    /// Registers a resource with a fixed URI.
    public mutating func register(
        uri: String,
        name: String,
        description: String? = nil,
        mimeType: String? = nil,
        permissions: [Permission] = [],
        read: @escaping ResourceDefinition.Reader
    ) {
        guard !resources.contains(where: { $0.uri == uri }) else {
            problems.append("resource \"\(uri)\" is registered twice")
            return
        }
        resources.append(
            ResourceDefinition(
                uri: uri,
                name: name,
                description: description,
                mimeType: mimeType,
                permissions: permissions,
                read: read
            )
        )
    }

    /// Registers a URI template.
    public mutating func registerTemplate(
        _ pattern: String,
        name: String,
        description: String? = nil,
        mimeType: String? = nil,
        permissions: [Permission] = [],
        complete: ResourceTemplateDefinition.Completer? = nil,
        read: @escaping ResourceTemplateDefinition.Reader
    ) {
        guard let template = URITemplate(pattern) else {
            problems.append("resource template \"\(pattern)\" is malformed")
            return
        }
        templates.append(
            ResourceTemplateDefinition(
                template: template,
                name: name,
                description: description,
                mimeType: mimeType,
                permissions: permissions,
                read: read,
                complete: complete
            )
        )
    }
}

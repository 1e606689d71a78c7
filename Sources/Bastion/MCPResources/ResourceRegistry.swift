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
    ///
    /// `permissions` says what a client must hold to see and read it (`.public` for nothing); a
    /// resource that declares nothing is a registration problem, as for tools.
    public mutating func register(
        uri: String,
        name: String,
        description: String? = nil,
        mimeType: String? = nil,
        permissions: RequiredPermissions = .undeclared,
        read: @escaping ResourceDefinition.Reader
    ) {
        guard permissions.isDeclared else {
            problems.append("resource \"\(uri)\" declares no permissions: declare what it needs, or .public")
            return
        }
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

    /// Registers a URI template; `permissions` as for ``register(uri:name:description:mimeType:permissions:read:)``.
    public mutating func registerTemplate(
        _ pattern: String,
        name: String,
        description: String? = nil,
        mimeType: String? = nil,
        permissions: RequiredPermissions = .undeclared,
        complete: ResourceTemplateDefinition.Completer? = nil,
        read: @escaping ResourceTemplateDefinition.Reader
    ) {
        guard permissions.isDeclared else {
            problems.append(
                "resource template \"\(pattern)\" declares no permissions: declare what it needs, or .public"
            )
            return
        }
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

import BastionProtocol
public import BastionSecurity

/// A family of resources described by a URI template (RFC 6570 level 1: `{name}` variables).
public struct ResourceTemplateDefinition: Sendable {
    /// Reads the resource a concrete URI names; the variables are percent-decoded.
    public typealias Reader =
        @Sendable (_ client: ClientContext, _ uri: String, _ variables: [String: String]) async throws
        -> [ResourceContents]
    /// Suggests values for one variable given its prefix (`completion/complete`).
    public typealias Completer = @Sendable (_ variable: String, _ prefix: String) -> [String]

    /// The template, e.g. `bastion://diagnostics/echo/{text}`.
    public var template: URITemplate
    /// A short name.
    public var name: String
    /// What the resources contain.
    public var description: String?
    /// Their media type.
    public var mimeType: String?
    /// What a client must hold to list and read them.
    public var permissions: RequiredPermissions
    /// The implementation.
    public var read: Reader
    /// Optional completion of variables.
    public var complete: Completer?

    /// The `resources/templates/list` entry.
    var listing: JSONValue {
        var members: [String: JSONValue] = ["uriTemplate": .string(template.pattern), "name": .string(name)]
        if let description { members["description"] = .string(description) }
        if let mimeType { members["mimeType"] = .string(mimeType) }
        return .object(members)
    }
}

import BastionProtocol
public import BastionSecurity

/// A resource with a fixed URI, registered by a module.
public struct ResourceDefinition: Sendable {
    /// Reads the resource for one client.
    public typealias Reader = @Sendable (_ client: ClientContext) async throws -> [ResourceContents]

    /// The URI, unique on the server.
    public var uri: String
    /// A short name.
    public var name: String
    /// What it contains.
    public var description: String?
    /// Its media type.
    public var mimeType: String?
    /// What a client must hold to list and read it.
    public var permissions: RequiredPermissions
    /// The implementation.
    public var read: Reader

    /// The `resources/list` entry.
    var listing: JSONValue {
        var members: [String: JSONValue] = ["uri": .string(uri), "name": .string(name)]
        if let description { members["description"] = .string(description) }
        if let mimeType { members["mimeType"] = .string(mimeType) }
        return .object(members)
    }
}

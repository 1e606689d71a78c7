public import BastionProtocol

/// Behaviour hints for clients (tools.mdx, 2025-03-26+). Clients treat them as untrusted, so they
/// must be truthful: a wrong `readOnlyHint` could make a client skip a confirmation.
public struct ToolAnnotations: Sendable, Hashable {
    /// A human-readable title.
    public var title: String?
    /// The tool does not modify its environment.
    public var readOnlyHint: Bool?
    /// The tool may perform destructive updates (meaningful when not read-only).
    public var destructiveHint: Bool?
    /// Repeating a call with the same arguments has no further effect.
    public var idempotentHint: Bool?
    /// The tool interacts with an open world (network, other systems).
    public var openWorldHint: Bool?

    /// Creates annotations; `nil` leaves a hint at the spec's default.
    public init(
        title: String? = nil,
        readOnlyHint: Bool? = nil,
        destructiveHint: Bool? = nil,
        idempotentHint: Bool? = nil,
        openWorldHint: Bool? = nil
    ) {
        self.title = title
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }

    /// A read-only, closed-world tool: the common case for inspection tools.
    public static let readOnly = ToolAnnotations(readOnlyHint: true, openWorldHint: false)

    /// The `annotations` object, or `nil` when every hint is at its default.
    public var json: JSONValue? {
        var members: [String: JSONValue] = [:]
        if let title { members["title"] = .string(title) }
        if let readOnlyHint { members["readOnlyHint"] = .bool(readOnlyHint) }
        if let destructiveHint { members["destructiveHint"] = .bool(destructiveHint) }
        if let idempotentHint { members["idempotentHint"] = .bool(idempotentHint) }
        if let openWorldHint { members["openWorldHint"] = .bool(openWorldHint) }
        return members.isEmpty ? nil : .object(members)
    }
}

/// What the client said about itself in `initialize`.
public struct ClientInfo: Sendable, Hashable {
    /// `clientInfo.name`.
    public var name: String
    /// `clientInfo.version`.
    public var version: String
    /// The client's `capabilities` object as sent.
    public var capabilities: [String: JSONValue]

    /// Creates a description of a client.
    public init(name: String, version: String, capabilities: [String: JSONValue]) {
        self.name = name
        self.version = version
        self.capabilities = capabilities
    }

    /// The name as it may appear in a log line: escaped and at most 128 bytes (the client chose it).
    public var loggedName: String { DisplayText.escaped(name, maxBytes: 128) }

    /// Whether the client declared `roots`.
    public var supportsRoots: Bool { capabilities["roots"] != nil }
    /// Whether the client declared `elicitation`.
    public var supportsElicitation: Bool { capabilities["elicitation"] != nil }
    /// Whether the request declared the tasks extension (2026-07-28: `extensions` of its capabilities).
    public var supportsTasksExtension: Bool {
        capabilities["extensions"]?[TasksExtension.identifier]?.objectValue != nil
    }
    /// Whether the client declared `sampling`.
    public var supportsSampling: Bool { capabilities["sampling"] != nil }
}

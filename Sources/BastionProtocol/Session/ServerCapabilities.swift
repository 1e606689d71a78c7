/// The capabilities the server declares in `initialize`; only what is really served.
public struct ServerCapabilities: Sendable, Hashable {
    /// `tools/list` and `tools/call`.
    public var tools: Bool
    /// `resources/list`, `resources/read`, `resources/templates/list`.
    public var resources: Bool
    /// `resources/subscribe` with `notifications/resources/updated`.
    public var resourceSubscriptions: Bool
    /// `prompts/list` and `prompts/get`.
    public var prompts: Bool
    /// `logging/setLevel` and `notifications/message`.
    public var logging: Bool
    /// `completion/complete`.
    public var completions: Bool

    /// Creates a capability set.
    public init(
        tools: Bool = false,
        resources: Bool = false,
        resourceSubscriptions: Bool = false,
        prompts: Bool = false,
        logging: Bool = true,
        completions: Bool = false
    ) {
        self.tools = tools
        self.resources = resources
        self.resourceSubscriptions = resourceSubscriptions
        self.prompts = prompts
        self.logging = logging
        self.completions = completions
    }

    /// The `capabilities` object for a negotiated version. `listChanged` is false: Bastion's lists
    /// are fixed for the life of a session, and the spec forbids the notification unless declared.
    public func json(for version: ProtocolVersion) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if tools { members["tools"] = ["listChanged": false] }
        if resources {
            members["resources"] = ["subscribe": .bool(resourceSubscriptions), "listChanged": false]
        }
        if prompts { members["prompts"] = ["listChanged": false] }
        if logging { members["logging"] = [:] }
        // 2024-11-05 has completion/complete but no capability key for it.
        if completions && version.hasCompletionsCapability { members["completions"] = [:] }
        return .object(members)
    }
}

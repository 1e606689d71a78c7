/// The capabilities the server declares in `initialize`; only what is really served.
public struct ServerCapabilities: Sendable, Hashable {
    /// `tools/list` and `tools/call`.
    public var tools: Bool
    /// The server sends `notifications/tools/list_changed` when a client's tools change (a
    /// configuration reload that grants or removes rights).
    public var toolsListChanged: Bool
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
    /// Task-augmented `tools/call` with `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel`
    /// (declared on 2025-11-25), and the tasks extension on 2026-07-28 (``TasksExtension``).
    public var tasks: Bool

    /// Creates a capability set.
    public init(
        tools: Bool = false,
        toolsListChanged: Bool = false,
        resources: Bool = false,
        resourceSubscriptions: Bool = false,
        prompts: Bool = false,
        logging: Bool = true,
        completions: Bool = false,
        tasks: Bool = false
    ) {
        self.tools = tools
        self.toolsListChanged = toolsListChanged
        self.resources = resources
        self.resourceSubscriptions = resourceSubscriptions
        self.prompts = prompts
        self.logging = logging
        self.completions = completions
        self.tasks = tasks
    }

    /// The `capabilities` object for a negotiated version. The spec forbids a `list_changed`
    /// notification unless its `listChanged` is declared; resources and prompts are fixed for the
    /// life of a session.
    public func json(for version: ProtocolVersion) -> JSONValue {
        var members: [String: JSONValue] = [:]
        // On 2026-07-28 both come through `subscriptions/listen`.
        if tools { members["tools"] = ["listChanged": .bool(toolsListChanged)] }
        if resources {
            members["resources"] = ["subscribe": .bool(resourceSubscriptions), "listChanged": false]
        }
        if prompts { members["prompts"] = ["listChanged": false] }
        if logging { members["logging"] = [:] }
        // 2024-11-05 has completion/complete but no capability key for it.
        if completions && version.hasCompletionsCapability { members["completions"] = [:] }
        if tasks && version.hasTasks {
            members["tasks"] = ["list": [:], "cancel": [:], "requests": ["tools": ["call": [:]]]]
        }
        if tasks && version.hasTasksExtension { members["extensions"] = [TasksExtension.identifier: [:]] }
        return .object(members)
    }
}

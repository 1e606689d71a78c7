/// What one `subscriptions/listen` of a 2026-07-28 connection receives (basic/patterns/subscriptions.mdx):
/// only the kinds it asked for and the server honoured, each tagged with the listen's id.
public struct ListenFilter: Sendable, Hashable {
    /// `notifications/tools/list_changed`.
    public var toolsListChanged: Bool
    /// `notifications/resources/updated` of these URIs.
    public var resourceURIs: Set<String>
    /// `notifications/tasks` of these tasks (the tasks extension).
    public var taskIDs: Set<String>

    /// Creates a filter.
    public init(toolsListChanged: Bool = false, resourceURIs: Set<String> = [], taskIDs: Set<String> = []) {
        self.toolsListChanged = toolsListChanged
        self.resourceURIs = resourceURIs
        self.taskIDs = taskIDs
    }

    /// Whether a change notification goes to this listen.
    func wants(_ method: String, params: JSONValue?) -> Bool {
        switch method {
        case "notifications/tools/list_changed": return toolsListChanged
        case "notifications/resources/updated": return params?["uri"]?.stringValue.map(resourceURIs.contains) ?? false
        case TasksExtension.statusNotification: return params?["taskId"]?.stringValue.map(taskIDs.contains) ?? false
        default: return false
        }
    }

    /// The change notifications of the handshake era that 2026-07-28 sends only through a listen.
    static let changeNotifications: Set<String> = [
        "notifications/tools/list_changed", "notifications/prompts/list_changed",
        "notifications/resources/list_changed", "notifications/resources/updated", TasksExtension.statusNotification,
    ]

    /// The `_meta` key that ties a notification to its listen.
    public static let subscriptionIDKey = "io.modelcontextprotocol/subscriptionId"
}

/// Maps method names to their handlers. Built once, read concurrently.
public struct RequestRouter: Sendable {
    /// Answers one request. Throw a ``JSONRPCError`` for a protocol-level failure.
    public typealias RequestHandler =
        @Sendable (_ params: JSONValue?, _ context: RequestContext) async throws(JSONRPCError) -> JSONValue
    /// Handles one notification; it never answers.
    public typealias NotificationHandler = @Sendable (_ params: JSONValue?, _ session: MCPSession) -> Void

    private var requests: [String: RequestHandler] = [:]
    private var notifications: [String: NotificationHandler] = [:]

    /// Creates an empty router.
    public init() {}

    /// Routes `method` requests to `handler`, replacing any earlier route.
    public mutating func on(_ method: String, _ handler: @escaping RequestHandler) {
        requests[method] = handler
    }

    /// Routes `method` notifications to `handler`.
    public mutating func onNotification(_ method: String, _ handler: @escaping NotificationHandler) {
        notifications[method] = handler
    }

    /// The handler for a request method, if routed.
    public func requestHandler(for method: String) -> RequestHandler? { requests[method] }

    /// The handler for a notification method, if routed.
    public func notificationHandler(for method: String) -> NotificationHandler? { notifications[method] }
}

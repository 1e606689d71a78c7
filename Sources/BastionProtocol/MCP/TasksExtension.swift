/// The tasks extension of 2026-07-28 (SEP-2663, docs/extensions/tasks): a `tools/call` may be
/// answered with a task handle (`resultType: "task"`) that the client polls with `tasks/get`,
/// feeds with `tasks/update` and stops with `tasks/cancel` — only when that very request declares
/// the extension in its capabilities; nothing carries over from an earlier request.
public enum TasksExtension {
    /// The extension's identifier, in `capabilities.extensions` of both sides.
    public static let identifier = "io.modelcontextprotocol/tasks"
    /// The status notification a `subscriptions/listen` with `taskIds` receives.
    public static let statusNotification = "notifications/tasks"
    /// The `resultType` of a `CreateTaskResult`.
    public static let taskResultType = "task"

    /// -32021 naming the extension, for a request that needs it and did not declare it.
    /// - Parameter detail: What needed it.
    public static func missing(_ detail: String) -> JSONRPCError {
        .missingRequiredClientCapability(
            ["extensions": [identifier: [:]]],
            detail: "\(detail) needs the tasks extension; declare \"\(identifier)\" in the request's "
                + "clientCapabilities.extensions"
        )
    }
}

public import BastionProtocol
public import BastionSecurity

/// A registered tool: its public description, the permissions it needs and its handler.
public struct ToolDefinition: Sendable {
    /// Runs the tool for one client. Throw ``ToolError`` for a failure the model should see.
    public typealias Handler = @Sendable (_ client: ClientContext, _ call: ToolCall) async throws -> ToolResult

    /// Unique name, 1–128 of `[A-Za-z0-9_.-]`.
    public var name: String
    /// Human-readable title (2025-06-18+).
    public var title: String?
    /// What the tool does, for the model.
    public var description: String
    /// JSON Schema of the arguments (an object schema).
    public var inputSchema: JSONValue
    /// JSON Schema of `structuredContent`, when the tool returns data (2025-06-18+).
    public var outputSchema: JSONValue?
    /// Behaviour hints.
    public var annotations: ToolAnnotations
    /// What a client must hold to see and call the tool (``RequiredPermissions/public`` for nothing).
    public var permissions: RequiredPermissions
    /// The handler never blocks its thread (no blocking system call, no long computation), so it may
    /// start on the connection's reader thread. Leave `false` when unsure.
    public var isNonBlocking: Bool
    /// Whether the tool may be called as a task (2025-11-25).
    public var taskSupport: ToolTaskSupport = .forbidden
    /// The implementation.
    public var handler: Handler
    /// Runs in the server process for every client (its module's ``BastionModule/runsInServer``);
    /// otherwise a client with `isolation = "process"` has it run in its worker.
    public internal(set) var runsInServer = false

    /// The tool's `tools/list` entry for a negotiated version.
    public func listing(for version: ProtocolVersion) -> JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "description": .string(description), "inputSchema": inputSchema,
        ]
        if version.hasToolAnnotations, let annotations = annotations.json { members["annotations"] = annotations }
        if version.hasStructuredContent {
            if let title { members["title"] = .string(title) }
            if let outputSchema { members["outputSchema"] = outputSchema }
        }
        // Absent means forbidden; declared only where the session can serve tasks.
        if version.hasTasks, taskSupport != .forbidden {
            members["execution"] = ["taskSupport": .string(taskSupport.rawValue)]
        }
        return .object(members)
    }
}

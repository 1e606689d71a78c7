public import BastionProtocol
public import BastionSecurity

/// Where modules register their tools (the module API of ARCHITECTURE §5).
public struct ToolRegistry: Sendable {
    /// The tools registered so far, in registration order.
    public private(set) var tools: [ToolDefinition] = []
    /// Registration mistakes (duplicate or malformed names, bad schemas); the server refuses to start
    /// while any remain.
    public private(set) var problems: [String] = []

    /// Creates an empty registry.
    public init() {}

    /// Registers a tool.
    /// - Parameters:
    ///   - name: Unique, 1–128 characters of `[A-Za-z0-9_.-]`.
    ///   - title: Human-readable title.
    ///   - description: What the tool does, for the model.
    ///   - inputSchema: JSON Schema of the arguments; must be an object schema.
    ///   - outputSchema: JSON Schema of the structured result, if the tool returns data.
    ///   - annotations: Truthful behaviour hints.
    ///   - permissions: What a client must hold to see and call the tool: `.public` for nothing,
    ///     a list such as `[.fileRead(glob: "**/.git/**"), .systemCommand(pattern: "git")]`, or
    ///     `.checkedPerCall(.fileRead)` for a tool that checks each path itself. A tool that
    ///     declares nothing (the default, or `[]`) is a registration problem: fail closed.
    ///   - isNonBlocking: The handler never blocks its thread; it may then start without a thread hop.
    ///   - taskSupport: Whether a client may call it as a task (2025-11-25): `.optional` for work
    ///     that can run long.
    ///   - handler: Runs the call with the caller's client context.
    public mutating func register(
        name: String,
        title: String? = nil,
        description: String,
        inputSchema: JSONValue,
        outputSchema: JSONValue? = nil,
        annotations: ToolAnnotations = ToolAnnotations(),
        permissions: RequiredPermissions = .undeclared,
        isNonBlocking: Bool = false,
        taskSupport: ToolTaskSupport = .forbidden,
        handler: @escaping ToolDefinition.Handler
    ) {
        if let problem = Self.problem(name: name, inputSchema: inputSchema, outputSchema: outputSchema) {
            problems.append(problem)
            return
        }
        guard permissions.isDeclared else {
            problems.append(
                "tool \"\(name)\" declares no permissions: declare what it needs, or .public when it needs nothing"
            )
            return
        }
        if tools.contains(where: { $0.name == name }) {
            problems.append("tool \"\(name)\" is registered twice")
            return
        }
        tools.append(
            ToolDefinition(
                name: name,
                title: title,
                description: description,
                inputSchema: inputSchema,
                outputSchema: outputSchema,
                annotations: annotations,
                permissions: permissions,
                isNonBlocking: isNonBlocking,
                taskSupport: taskSupport,
                handler: handler
            )
        )
    }

    /// Marks the tools registered from `index` on as running in the server (``ToolDefinition/runsInServer``).
    mutating func markRunningInServer(from index: Int) {
        for position in tools.indices where position >= index { tools[position].runsInServer = true }
    }

    private static func problem(name: String, inputSchema: JSONValue, outputSchema: JSONValue?) -> String? {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2E || byte == 0x2D
        }
        guard (1...128).contains(name.utf8.count), allowed else {
            return "tool name \"\(name)\" must be 1-128 characters of A-Z a-z 0-9 _ . -"
        }
        guard inputSchema["type"] == "object" else { return "tool \"\(name)\": inputSchema must have type object" }
        if let outputSchema, outputSchema["type"] != "object" {
            return "tool \"\(name)\": outputSchema must have type object"
        }
        return nil
    }
}

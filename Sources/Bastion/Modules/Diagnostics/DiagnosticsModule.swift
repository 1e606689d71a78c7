import BastionProtocol
import BastionResources
import BastionSecurity

/// Tools and resources for checking a Bastion installation, and for tests and benchmarks.
///
/// Off by default; enabled by `[server] diagnostics = true` or `bastion serve --diagnostics`.
public struct DiagnosticsModule: BastionModule {
    /// The server version reported by the info resource.
    public var serverVersion: String
    /// How `list_workdir` checks and opens the workdir, as the file-system tools do.
    private let files = FileSystemManager()

    /// Creates the module.
    public init(serverVersion: String) {
        self.serverVersion = serverVersion
    }

    public var name: String { "diagnostics" }

    public func register(in tools: inout ToolRegistry) {
        tools.register(
            name: "echo",
            title: "Echo",
            description: "Returns its text argument unchanged.",
            inputSchema: [
                "type": "object", "properties": ["text": ["type": "string", "description": "Text to return"]],
                "required": ["text"], "additionalProperties": false,
            ],
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true, openWorldHint: false),
            permissions: .public,
            isNonBlocking: true
        ) { _, call in
            .text(call.string("text") ?? "")
        }
        tools.register(
            name: "sleep",
            title: "Sleep",
            description: "Waits the given number of milliseconds, reporting progress and logging; cancellable.",
            inputSchema: [
                "type": "object",
                "properties": ["ms": ["type": "integer", "minimum": 0, "maximum": 60_000, "description": "Duration"]],
                "required": ["ms"], "additionalProperties": false,
            ],
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true, openWorldHint: false),
            permissions: .public,
            isNonBlocking: true,
            handler: Self.sleep
        )
        tools.register(
            name: "whoami",
            title: "Who am I",
            description: "Describes the calling client: its id, permissions and working directory.",
            inputSchema: ["type": "object", "additionalProperties": false],
            outputSchema: [
                "type": "object",
                "properties": [
                    "client": ["type": "string"], "permissions": ["type": "array", "items": ["type": "string"]],
                    "workdir": ["type": "string"],
                ],
                "required": ["client", "permissions", "workdir"],
            ],
            annotations: .readOnly,
            permissions: .public,
            isNonBlocking: true
        ) { client, _ in
            .structured([
                "client": .string(client.id), "permissions": .array(client.permissions.map { .string($0.description) }),
                "workdir": .string(client.workdir),
            ])
        }
        tools.register(
            name: "list_workdir",
            title: "List workdir",
            description: "Lists the client's working directory.",
            inputSchema: ["type": "object", "additionalProperties": false],
            annotations: .readOnly,
            // Only clients that may read everything see it; the workdir and each entry are checked
            // like list_directory's, so a deny rule hides here what it hides there.
            permissions: [.fileRead(glob: nil)]
        ) { [files] client, _ in
            .text(try Self.listWorkdir(client, files: files))
        }
        registerUncheckedRead(in: &tools)
    }

    public func register(in resources: inout ResourceRegistry) {
        let version = serverVersion
        resources.register(
            uri: "bastion://diagnostics/info",
            name: "Server information",
            description: "Bastion's version and the calling client",
            mimeType: "application/json",
            permissions: .public
        ) { client in
            let info: JSONValue = ["server": "bastion", "version": .string(version), "client": .string(client.id)]
            return [
                .text(uri: "bastion://diagnostics/info", mimeType: "application/json", text: JSONWriter.string(info))
            ]
        }
        resources.registerTemplate(
            "bastion://diagnostics/echo/{text}",
            name: "Echo resource",
            description: "Returns the text in its URI",
            mimeType: "text/plain",
            permissions: .public,
            complete: { _, prefix in ["hello", "help", "world"].filter { $0.hasPrefix(prefix) } },
            read: { _, uri, variables in
                [.text(uri: uri, mimeType: "text/plain", text: variables["text"] ?? "")]
            }
        )
    }

    @Sendable
    private static func sleep(_ client: ClientContext, _ call: ToolCall) async throws -> ToolResult {
        let total = Int(call.integer("ms") ?? 0)
        // Log lines at two levels, so clients can see `logging/setLevel` at work.
        call.log(.info, .string("sleeping \(total) ms"))
        var elapsed = 0
        while elapsed < total {
            let step = min(100, total - elapsed)
            try await Task.sleep(for: .milliseconds(step))
            elapsed += step
            call.reportProgress(Double(elapsed), total: Double(total), message: "slept \(elapsed) of \(total) ms")
            call.log(.debug, .string("slept \(elapsed) of \(total) ms"))
        }
        return .text("slept \(total) ms")
    }

    /// The workdir's entries the client may read, as `[DIR] name` lines then `[FILE] name` lines, each
    /// sorted by name.
    private static func listWorkdir(_ client: ClientContext, files: FileSystemManager) throws(ToolError) -> String {
        do {
            let target = try files.authorize(client.workdir, for: .read, client: client)
            let limit = client.limits.listEntries
            let listing = try files.list(target, client: client, maxEntries: limit)
            let directories = listing.entries.filter { $0.kind == .directory }
            var lines = directories.map { "[DIR] " + $0.name }
            lines += listing.entries.filter { $0.kind != .directory }.map { "[FILE] " + $0.name }
            if lines.isEmpty { lines.append("(empty)") }
            if listing.isTruncated { lines.append("[listing truncated at \(limit) entries]") }
            if listing.hidden > 0 { lines.append("[\(listing.hidden) entries hidden by this client's deny rules]") }
            return lines.joined(separator: "\n")
        } catch {
            throw ToolError(error.message, denial: error.denial)
        }
    }
}

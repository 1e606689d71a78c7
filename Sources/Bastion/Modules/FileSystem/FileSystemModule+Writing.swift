import BastionProtocol
import BastionResources
import BastionSecurity

extension FileSystemModule {
    func registerWriting(in tools: inout ToolRegistry) {
        tools.register(
            name: "write_file",
            title: "Write File",
            description: "Create a new file or completely overwrite an existing one with new content (atomically: "
                + "readers see the old or the new file, never a mix). Only works within allowed directories.",
            inputSchema: Self.pathSchema(["content": ["type": "string"]], required: ["path", "content"]),
            outputSchema: Self.outputSchema(["bytes": ["type": "integer"]]),
            annotations: ToolAnnotations(
                readOnlyHint: false,
                destructiveHint: true,
                idempotentHint: true,
                openWorldHint: false
            ),
            permissions: .checkedPerCall(.fileWrite)
        ) { client, call in try writeFile(client, call) }
        tools.register(
            name: "edit_file",
            title: "Edit File",
            description: "Make line-based edits to a text file: each edit replaces an exact text (or, failing that, "
                + "the same lines ignoring indentation) with new text. Returns a git-style diff; with dryRun "
                + "nothing is written. Only works within allowed directories.",
            inputSchema: Self.pathSchema(
                [
                    "edits": [
                        "type": "array", "minItems": 1, "maxItems": 1_000,
                        "items": [
                            "type": "object",
                            "properties": [
                                "oldText": ["type": "string", "description": "Text to search for"],
                                "newText": ["type": "string", "description": "Text to replace it with"],
                            ],
                            "required": ["oldText", "newText"], "additionalProperties": false,
                        ],
                    ],
                    "dryRun": ["type": "boolean", "default": false, "description": "Preview the diff only"],
                ],
                required: ["path", "edits"]
            ),
            outputSchema: Self.outputSchema(),
            annotations: ToolAnnotations(
                readOnlyHint: false,
                destructiveHint: true,
                idempotentHint: false,
                openWorldHint: false
            ),
            permissions: .checkedPerCall(.fileWrite)
        ) { client, call in try editFile(client, call) }
        tools.register(
            name: "create_directory",
            title: "Create Directory",
            description: "Create a directory and any missing parents; succeeds if it already exists. "
                + "Only works within allowed directories.",
            inputSchema: Self.pathSchema(),
            outputSchema: Self.outputSchema(),
            annotations: ToolAnnotations(
                readOnlyHint: false,
                destructiveHint: false,
                idempotentHint: true,
                openWorldHint: false
            ),
            permissions: .checkedPerCall(.fileWrite)
        ) { client, call in try createDirectory(client, call) }
        tools.register(
            name: "move_file",
            title: "Move File",
            description: "Move or rename a file or directory. Fails if the destination exists. "
                + "Both paths must be within allowed directories.",
            inputSchema: [
                "type": "object",
                "properties": ["source": ["type": "string"], "destination": ["type": "string"]],
                "required": ["source", "destination"], "additionalProperties": false,
            ],
            outputSchema: Self.outputSchema(),
            annotations: ToolAnnotations(
                readOnlyHint: false,
                destructiveHint: true,
                idempotentHint: false,
                openWorldHint: false
            ),
            permissions: .checkedPerCall(.fileWrite)
        ) { client, call in try moveFile(client, call) }
        tools.register(
            name: "delete_path",
            title: "Delete Path",
            description: "Delete a file or symbolic link (the link itself, never its target), or a directory with "
                + "recursive: true. Nothing is deleted when anything inside may not be written. "
                + "Only works within allowed directories.",
            inputSchema: Self.pathSchema(["recursive": ["type": "boolean", "default": false]]),
            outputSchema: Self.outputSchema(["deleted": ["type": "integer"]]),
            annotations: ToolAnnotations(
                readOnlyHint: false,
                destructiveHint: true,
                idempotentHint: true,
                openWorldHint: false
            ),
            permissions: .checkedPerCall(.fileWrite)
        ) { client, call in try deletePath(client, call) }
    }

    func writeFile(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        let content = Array((call.string("content") ?? "").utf8)
        return try Self.run { () throws(FileSystemError) in
            let target = try files.authorize(path, for: .write, client: client)
            Self.recordTarget(target, of: call)
            try Self.requireApprovedState(of: target, call: call, files: files)
            try files.writeAtomically(target, bytes: content)
            return Self.result("Successfully wrote to \(path)", data: ["bytes": .int(Int64(content.count))])
        }
    }

    func editFile(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        let edits = (call.arguments["edits"]?.arrayValue ?? []).map { edit in
            TextEdit(oldText: edit["oldText"]?.stringValue ?? "", newText: edit["newText"]?.stringValue ?? "")
        }
        let isDryRun = call.arguments["dryRun"]?.boolValue ?? false
        return try Self.run { () throws(FileSystemError) in
            // Checked for writing even on a dry run: a preview of an edit the client may not make is refused.
            let target = try files.authorize(path, for: .write, client: client)
            Self.recordTarget(target, of: call)
            let bytes = try files.readFile(target, maxBytes: client.limits.readBytes)
            if !isDryRun { try Self.requireApprovedState(of: target, call: call, files: files, content: bytes) }
            let original = try Self.text(bytes, path: target.path)
            let modified: String
            do throws(TextEditError) {
                modified = try TextEditor.apply(edits, to: original)
            } catch {
                throw FileSystemError(.invalid, "\"\(path)\": \(error.message)")
            }
            let diff = UnifiedDiff.fenced(UnifiedDiff.make(original: original, modified: modified, path: target.path))
            if !isDryRun { try files.writeAtomically(target, bytes: Array(modified.utf8)) }
            return Self.result(diff)
        }
    }

    func createDirectory(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        return try Self.run { () throws(FileSystemError) in
            let target = try files.authorize(path, for: .write, client: client)
            Self.recordTarget(target, of: call)
            try files.createDirectories(target)
            return Self.result("Successfully created directory \(path)")
        }
    }

    func moveFile(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let source = try Self.path(call, "source")
        let destination = try Self.path(call, "destination")
        return try Self.run { () throws(FileSystemError) in
            let from = try files.authorize(source, for: .write, client: client, followingLastLink: false)
            let to = try files.authorize(destination, for: .write, client: client, followingLastLink: false)
            Self.recordTarget(from, of: call)
            Self.recordTarget(to, of: call, as: "destination")
            try Self.requireApprovedTarget(of: from, call: call, files: files, client: client)
            try files.move(from, to: to, client: client, maxEntries: client.limits.listEntries)
            return Self.result("Successfully moved \(source) to \(destination)")
        }
    }

    func deletePath(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        let recursive = call.arguments["recursive"]?.boolValue ?? false
        return try Self.run { () throws(FileSystemError) in
            let target = try files.authorize(path, for: .write, client: client, followingLastLink: false)
            Self.recordTarget(target, of: call)
            try Self.requireApprovedTarget(of: target, call: call, files: files, client: client)
            let count = try files.delete(
                target,
                recursive: recursive,
                client: client,
                maxEntries: client.limits.listEntries
            )
            let detail = count > 1 ? " (\(count) entries)" : ""
            return Self.result("Successfully deleted \(path)\(detail)", data: ["deleted": .int(Int64(count))])
        }
    }

    /// Refuses a delete or move whose approval preview no longer shows what is there: a directory
    /// whose entries changed, or a file (or link, or nothing) replaced or changed since (nothing is
    /// deleted or moved then).
    static func requireApprovedTarget(
        of target: AuthorizedPath,
        call: ToolCall,
        files: FileSystemManager,
        client: ClientContext
    ) throws(FileSystemError) {
        guard let basis = call.approvalBasis else { return }
        let isTree = if case .tree = basis.state { true } else { false }
        let holds = isTree ? basis.holdsTree(for: target, files: files, client: client) : basis.holds(for: target, files: files)
        guard !holds else { return }
        call.request.annotate("approval", "stale")
        let what = isTree ? "the directory's entries" : "the file"
        call.request.annotate("approval_reason", .string("\(what) changed since the preview was approved"))
        throw FileSystemError(.invalid, ApprovalBasis.changedMessage(target.path))
    }

    /// Refuses a write approved on a preview of a file that has changed since (or appeared, when the
    /// preview said "Creates"): the person approved a change of what they saw, not of what is there
    /// now. Checked in the call itself, just before it writes.
    /// - Parameters:
    ///   - target: The authorized path about to be written.
    ///   - call: The call, with the approved preview's basis.
    ///   - files: The file-system manager.
    ///   - content: The bytes the call read and will change (`edit_file`).
    static func requireApprovedState(
        of target: AuthorizedPath,
        call: ToolCall,
        files: FileSystemManager,
        content: [UInt8]? = nil
    ) throws(FileSystemError) {
        guard let basis = call.approvalBasis, !basis.holds(for: target, files: files, content: content) else { return }
        call.request.annotate("approval", "stale")
        call.request.annotate("approval_reason", "the file changed since the preview was approved")
        throw FileSystemError(.invalid, ApprovalBasis.changedMessage(target.path))
    }
}

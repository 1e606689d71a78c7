import BastionProtocol
import BastionResources
import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension FileSystemModule {
    func registerListing(in tools: inout ToolRegistry) {
        let entries: JSONValue = [
            "type": "array",
            "items": [
                "type": "object",
                "properties": [
                    "name": ["type": "string"],
                    "type": ["type": "string", "enum": ["file", "directory", "symlink", "other"]],
                    "size": ["type": "integer"],
                ],
                "required": ["name", "type"],
            ],
        ]
        tools.register(
            name: "list_directory",
            title: "List Directory",
            description: "List the files and directories in a path, marked [FILE] or [DIR]. "
                + "Only works within allowed directories.",
            inputSchema: Self.pathSchema(),
            outputSchema: Self.outputSchema(["entries": entries], required: ["entries"]),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try listDirectory(client, call, withSizes: false) }
        tools.register(
            name: "list_directory_with_sizes",
            title: "List Directory with Sizes",
            description: "List the files and directories in a path with their sizes, sorted by name or size, "
                + "and totals. Only works within allowed directories.",
            inputSchema: Self.pathSchema([
                "sortBy": ["type": "string", "enum": ["name", "size"], "default": "name", "description": "Sort order"]
            ]),
            outputSchema: Self.outputSchema(["entries": entries], required: ["entries"]),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try listDirectory(client, call, withSizes: true) }
        tools.register(
            name: "directory_tree",
            title: "Directory Tree",
            description: "A recursive tree of a directory as JSON: each entry has name, type (file/directory) and, "
                + "for directories, children. excludePatterns are globs relative to the path. "
                + "Only works within allowed directories.",
            inputSchema: Self.pathSchema([
                "excludePatterns": ["type": "array", "items": ["type": "string"], "default": []]
            ]),
            outputSchema: Self.outputSchema(["entries": ["type": "integer"], "truncated": ["type": "boolean"]]),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try directoryTree(client, call) }
        tools.register(
            name: "get_file_info",
            title: "Get File Info",
            description: "Metadata of a file or directory: size, times, type and permissions (a symbolic link is "
                + "described, not followed). Only works within allowed directories.",
            inputSchema: Self.pathSchema(),
            outputSchema: Self.outputSchema(
                [
                    "size": ["type": "integer"], "created": ["type": "string"], "modified": ["type": "string"],
                    "accessed": ["type": "string"], "isDirectory": ["type": "boolean"], "isFile": ["type": "boolean"],
                    "isSymbolicLink": ["type": "boolean"], "permissions": ["type": "string"],
                ],
                required: ["size", "modified", "isDirectory", "isFile", "permissions"]
            ),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try fileInfo(client, call) }
        tools.register(
            name: "list_allowed_directories",
            title: "List Allowed Directories",
            description: "The directories this client may read or write (its grants, narrowed to the roots it "
                + "offered). Subdirectories are included.",
            inputSchema: ["type": "object", "additionalProperties": false],
            outputSchema: Self.outputSchema(
                [
                    "read": ["type": "array", "items": ["type": "string"]],
                    "write": ["type": "array", "items": ["type": "string"]],
                ],
                required: ["read", "write"]
            ),
            annotations: Self.readOnly,
            // It shows the caller only its own grants, which `whoami` shows too.
            permissions: .public,
            isNonBlocking: true
        ) { client, _ in allowedDirectories(client) }
    }

    func listDirectory(_ client: ClientContext, _ call: ToolCall, withSizes: Bool) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        let bySize = call.string("sortBy") == "size"
        return try Self.run { () throws(FileSystemError) in
            let target = try files.authorize(path, for: .read, client: client)
            Self.recordTarget(target, of: call)
            let limit = client.limits.listEntries
            let listing = try files.list(target, client: client, withStatus: withSizes, maxEntries: limit)
            var entries = listing.entries
            let (hidden, isTruncated) = (listing.hidden, listing.isTruncated)
            if bySize { entries.sort { ($0.size ?? 0) > ($1.size ?? 0) } }
            var lines = entries.map { entry -> String in
                let marker = entry.kind == .directory ? "[DIR]" : "[FILE]"
                guard withSizes else { return "\(marker) \(entry.name)" }
                let size =
                    entry.kind == .directory
                    ? "" : Self.padded(SizeFormatter.format(entry.size ?? 0), to: 10, leading: true)
                return "\(marker) \(Self.padded(entry.name, to: 30)) \(size)"
            }
            if withSizes {
                let fileEntries = entries.filter { $0.kind != .directory }
                let total = fileEntries.reduce(Int64(0)) { $0 + ($1.size ?? 0) }
                lines += [
                    "", "Total: \(fileEntries.count) files, \(entries.count - fileEntries.count) directories",
                    "Combined size: \(SizeFormatter.format(total))",
                ]
            }
            if isTruncated { lines.append("[listing truncated at \(limit) entries]") }
            if hidden > 0 { lines.append("[\(hidden) entries hidden by this client's deny rules]") }
            let data: [JSONValue] = entries.map { entry in
                var item: [String: JSONValue] = [
                    "name": .string(entry.name), "type": .string(Self.kindName(entry.kind)),
                ]
                if let size = entry.size, entry.kind != .directory { item["size"] = .int(size) }
                return .object(item)
            }
            return Self.result(lines.joined(separator: "\n"), data: ["entries": .array(data)])
        }
    }

    func directoryTree(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        let excludes = call.arguments["excludePatterns"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let target = try authorize(path, for: .read, client: client, call: call)
        var patterns: [PathPattern] = []
        for exclude in excludes {
            patterns.append(try PathPattern(exclude, root: target.path, matchingNamesAnywhere: true))
        }
        return try Self.run { () throws(FileSystemError) in
            var builder = TreeTextBuilder()
            let summary = try files.walk(target, client: client, maxEntries: client.limits.listEntries) { event in
                switch event {
                case .entry(let relative, let entry, _):
                    if patterns.contains(where: { $0.matches(target.path + "/" + relative) }) { return .skip }
                    builder.file(entry.name)
                case .enter(let relative, let entry):
                    if patterns.contains(where: { $0.matches(target.path + "/" + relative) }) { return .skip }
                    builder.openDirectory(entry.name)
                case .leave:
                    builder.closeDirectory()
                }
                return .proceed
            }
            var text = builder.finish()
            if summary.reachedLimit { text += "\n[tree truncated at \(client.limits.listEntries) entries]" }
            return Self.result(
                text,
                data: ["entries": .int(Int64(summary.entries)), "truncated": .bool(summary.reachedLimit)]
            )
        }
    }

    func fileInfo(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        return try Self.run { () throws(FileSystemError) in
            let target = try files.authorize(path, for: .read, client: client, followingLastLink: false)
            Self.recordTarget(target, of: call)
            let (info, birth) = try files.status(target)
            let kind = DirectoryReader.kind(mode: info.st_mode)
            var data: [String: JSONValue] = [
                "size": .int(Int64(info.st_size)),
                "modified": .string(Self.time(info.st_mtim)),
                "accessed": .string(Self.time(info.st_atim)),
                "isDirectory": .bool(kind == .directory),
                "isFile": .bool(kind == .file),
                "isSymbolicLink": .bool(kind == .symlink),
                "permissions": .string(String(info.st_mode & 0o777, radix: 8)),
            ]
            if let birth { data["created"] = .string(Self.time(birth)) }
            let order = [
                "size", "created", "modified", "accessed", "isDirectory", "isFile", "isSymbolicLink", "permissions",
            ]
            let text = order.compactMap { key in data[key].map { "\(key): \(Self.plain($0))" } }.joined(separator: "\n")
            return Self.result(text, data: data)
        }
    }

    func allowedDirectories(_ client: ClientContext) -> ToolResult {
        let scope = files.scope(of: client)
        let text = "Allowed directories:\n" + scope.allRoots.joined(separator: "\n")
        return Self.result(
            text,
            data: [
                "read": .array(scope.readRoots.map(JSONValue.string)),
                "write": .array(scope.writeRoots.map(JSONValue.string)),
            ]
        )
    }

    static func kindName(_ kind: DirectoryReader.Entry.Kind) -> String {
        switch kind {
        case .file: return "file"
        case .directory: return "directory"
        case .symlink: return "symlink"
        case .other: return "other"
        }
    }

    static func padded(_ text: String, to width: Int, leading: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return leading ? padding + text : text + padding
    }

    static func time(_ spec: timespec) -> String {
        AuditTimestamp.format(seconds: spec.tv_sec, microseconds: spec.tv_nsec / 1_000)
    }

    /// A JSON scalar as plain text (strings unquoted).
    static func plain(_ value: JSONValue) -> String {
        if let string = value.stringValue { return string }
        return JSONWriter.string(value)
    }
}

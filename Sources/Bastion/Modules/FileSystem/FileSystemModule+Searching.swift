import BastionProtocol
import BastionResources
import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension FileSystemModule {
    func registerSearching(in tools: inout ToolRegistry) {
        tools.register(
            name: "search_files",
            title: "Search Files",
            description: "Recursively find files and directories whose path relative to the given path matches a "
                + "glob: '*.ext' matches in that directory, '**/*.ext' in all subdirectories; {a,b} alternatives "
                + "work. Returns full paths. Only searches within allowed directories.",
            inputSchema: Self.pathSchema(
                [
                    "pattern": ["type": "string"],
                    "excludePatterns": ["type": "array", "items": ["type": "string"], "default": []],
                ],
                required: ["path", "pattern"]
            ),
            outputSchema: Self.outputSchema(
                ["matches": ["type": "array", "items": ["type": "string"]], "truncated": ["type": "boolean"]],
                required: ["matches"]
            ),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try searchFiles(client, call) }
        tools.register(
            name: "search_content",
            title: "Search Content",
            description: "Search the contents of text files under a path for a regular expression, like grep: "
                + "returns path:line:text for each matching line, with optional context lines. filePattern (a glob "
                + "such as '*.swift') limits the files; binary files are skipped. Only within allowed directories.",
            inputSchema: Self.pathSchema(
                [
                    "pattern": [
                        "type": "string",
                        "description": "POSIX extended regular expression, as grep -E (\\w \\s \\b \\d work)",
                    ],
                    "filePattern": ["type": "string", "description": "Glob on file names or relative paths"],
                    "contextLines": ["type": "integer", "minimum": 0, "maximum": 20, "default": 0],
                    "maxResults": ["type": "integer", "minimum": 1, "maximum": 10_000, "default": 100],
                    "caseSensitive": ["type": "boolean", "default": true],
                ],
                required: ["path", "pattern"]
            ),
            outputSchema: Self.outputSchema(
                [
                    "matches": [
                        "type": "array",
                        "items": [
                            "type": "object",
                            "properties": [
                                "path": ["type": "string"], "line": ["type": "integer"], "text": ["type": "string"],
                            ],
                            "required": ["path", "line", "text"],
                        ],
                    ],
                    "filesSearched": ["type": "integer"], "truncated": ["type": "boolean"],
                ],
                required: ["matches", "filesSearched", "truncated"]
            ),
            annotations: Self.readOnly,
            permissions: .checkedPerCall(.fileRead)
        ) { client, call in try searchContent(client, call) }
    }

    func searchFiles(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        let target = try authorize(path, for: .read, client: client)
        let pattern = try PathPattern(call.string("pattern") ?? "", root: target.path)
        var excludes: [PathPattern] = []
        for exclude in call.arguments["excludePatterns"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            excludes.append(try PathPattern(exclude, root: target.path))
        }
        return try Self.run { () throws(FileSystemError) in
            var matches: [String] = []
            let summary = try files.walk(target, client: client, maxEntries: client.limits.listEntries) { event in
                let relative: String
                switch event {
                case .entry(let path, _, _), .enter(let path, _): relative = path
                case .leave: return .proceed
                }
                let full = target.path == "/" ? "/" + relative : target.path + "/" + relative
                if excludes.contains(where: { $0.matches(full) }) { return .skip }
                if pattern.matches(full) { matches.append(full) }
                return call.isCancelled ? .stop : .proceed
            }
            var text = matches.isEmpty ? "No matches found" : matches.joined(separator: "\n")
            if summary.reachedLimit {
                text += "\n[search stopped after \(client.limits.listEntries) entries; narrow the path or pattern]"
            }
            return Self.result(
                text,
                data: ["matches": .array(matches.map(JSONValue.string)), "truncated": .bool(summary.reachedLimit)]
            )
        }
    }

    func searchContent(_ client: ClientContext, _ call: ToolCall) throws(ToolError) -> ToolResult {
        let path = try Self.path(call)
        let target = try authorize(path, for: .read, client: client)
        let regex = try PosixRegex(
            call.string("pattern") ?? "",
            caseSensitive: call.arguments["caseSensitive"]?.boolValue ?? true
        )
        var filter: PathPattern?
        if let filePattern = call.string("filePattern") {
            filter = try PathPattern(filePattern.contains("/") ? filePattern : "**/" + filePattern, root: target.path)
        }
        var search = ContentSearch(
            regex: regex,
            contextLines: Int(call.integer("contextLines") ?? 0),
            maxResults: Int(call.integer("maxResults") ?? 100)
        )
        return try Self.run { () throws(FileSystemError) in
            let shouldStop = { call.isCancelled }
            if try files.status(target).0.st_mode & S_IFMT == S_IFREG {
                let (file, _) = try files.openRegularFile(target)
                search.scan(file.raw, path: target.path, shouldStop: shouldStop)
            } else {
                _ = try files.walk(target, client: client, maxEntries: client.limits.listEntries) { event in
                    guard case .entry(let relative, let entry, let directory) = event, entry.kind == .file else {
                        return .proceed
                    }
                    let full = target.path == "/" ? "/" + relative : target.path + "/" + relative
                    if let filter, !filter.matches(full) { return .proceed }
                    // Files that cannot be read (hard-linked, vanished, unreadable) are skipped, not fatal.
                    if let (file, _) = try? files.openRegularFile(entry, in: directory, path: full) {
                        search.scan(file.raw, path: full, shouldStop: shouldStop)
                    }
                    return search.isFull || shouldStop() ? .stop : .proceed
                }
            }
            return Self.result(
                search.text(),
                data: [
                    "matches": .array(search.matches), "filesSearched": .int(Int64(search.filesSearched)),
                    "truncated": .bool(search.isFull),
                ]
            )
        }
    }
}

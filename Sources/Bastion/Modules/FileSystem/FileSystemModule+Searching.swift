import BastionProtocol
import BastionResources
import BastionSecurity

extension FileSystemModule {
    /// How `search_content` describes its `pattern`, with the limits that apply.
    static let patternDescription =
        "POSIX extended regular expression, as grep -E (\\w \\s \\b \\d work); at most "
        + "\(LineRegex.maximumPatternBytes) bytes, repetition counts at most \(LineRegex.maximumRepetition)"

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
                        "description": .string(Self.patternDescription),
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
        let target = try authorize(path, for: .read, client: client, call: call)
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

    /// Adapts `search_content`'s arguments to ``FileSystemManager/searchContent(_:client:query:maxEntries:including:shouldStop:)``
    /// and its result to the tool's; a search stopped by cancellation or the deadline ends as the
    /// tool manager reports those (CancellationError), not with partial results.
    func searchContent(_ client: ClientContext, _ call: ToolCall) throws -> ToolResult {
        let path = try Self.path(call)
        let target = try authorize(path, for: .read, client: client, call: call)
        let regex: LineRegex
        do {
            regex = try LineRegex(
                call.string("pattern") ?? "",
                caseSensitive: call.arguments["caseSensitive"]?.boolValue ?? true
            )
        } catch {
            throw ToolError(error.message)
        }
        let filter = try call.string("filePattern").map { pattern throws(ToolError) in
            try PathPattern(pattern.contains("/") ? pattern : "**/" + pattern, root: target.path)
        }
        let query = ContentQuery(
            regex: regex,
            contextLines: Int(call.integer("contextLines") ?? 0),
            maxResults: Int(call.integer("maxResults") ?? 100)
        )
        let result: ContentSearchResult
        do {
            result = try files.searchContent(
                target,
                client: client,
                query: query,
                maxEntries: client.limits.listEntries,
                including: { path in filter?.matches(path) ?? true },
                // Asked on the search's threads too, where only the request's own flags are seen;
                // this thread also sees the task's cancellation and stops them.
                shouldStop: { call.isCancelled || call.request.isTimedOut }
            )
        } catch {
            throw ToolError(error.message)
        }
        if result.wasStopped || call.isCancelled { throw CancellationError() }
        return Self.result(
            result.text,
            data: [
                "matches": .array(
                    result.matches.map {
                        ["path": .string($0.path), "line": .int(Int64($0.line)), "text": .string($0.text)]
                    }
                ),
                "filesSearched": .int(Int64(result.filesSearched)), "truncated": .bool(result.isTruncated),
            ]
        )
    }
}

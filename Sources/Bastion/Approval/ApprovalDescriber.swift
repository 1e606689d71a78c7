import BastionProtocol
import BastionSecurity

/// Words for the person who approves a call: who asks, which tool, and the arguments that matter.
///
/// Arguments go through ``AuditRedactor`` first (secrets masked, large payloads replaced by their
/// size), then every value is cut to ``maxValueCharacters``: the description must be readable in
/// a terminal or a client's dialog, and must never become a copy of a secret or of a file. Paths
/// (``pathKeys``) are never cut: a path whose end is hidden hides where the call acts; they are
/// bounded by ``maxPathBytes``, far beyond any path the file system accepts.
enum ApprovalDescriber {
    /// The longest rendering of one argument value in the full description.
    static let maxValueCharacters = 300
    /// The longest one-line summary.
    static let maxSummaryCharacters = 160

    /// The longest path argument shown whole (escaped); a longer one is refused by the tools anyway.
    static let maxPathBytes = 64 * 1024
    /// Arguments that name where a call acts: shown whole.
    static let pathKeys: Set<String> = ["path", "paths", "source", "destination", "cwd"]

    /// Argument names shown first: where the call acts and what it runs.
    private static let leadingKeys = ["command", "path", "paths", "source", "destination", "cwd", "language"]

    /// The arguments as `(name, rendered value)` pairs, the important ones first.
    static func renderedArguments(_ arguments: [String: JSONValue]) -> [(String, String)] {
        let redacted = AuditRedactor.summarize(.object(arguments)).objectValue ?? [:]
        let keys = redacted.keys.sorted { lhs, rhs in
            let left = leadingKeys.firstIndex(of: lhs) ?? leadingKeys.count
            let right = leadingKeys.firstIndex(of: rhs) ?? leadingKeys.count
            return left != right ? left < right : lhs < rhs
        }
        return keys.compactMap { key in
            redacted[key].map { value in
                let limit = pathKeys.contains(key) ? maxPathBytes : maxValueCharacters
                return (clip(key, to: 64), clip(render(value), to: limit))
            }
        }
    }

    /// One line for `bastion approve list`.
    /// Paths come first and whole (where the call acts must never be cut, even in `list`); the
    /// other arguments fill what is left of ``maxSummaryCharacters``.
    static func summary(arguments: [String: JSONValue]) -> String {
        let rendered = renderedArguments(arguments)
        let paths = rendered.filter { pathKeys.contains($0.0) }.map { "\($0)=\($1)" }
        let others = rendered.filter { !pathKeys.contains($0.0) }.map { "\($0)=\($1)" }
        guard !paths.isEmpty || !others.isEmpty else { return "(no arguments)" }
        let head = paths.joined(separator: " ")
        guard !others.isEmpty else { return head }
        let room = max(maxSummaryCharacters - head.count - 1, 16)
        let tail = clip(others.joined(separator: " "), to: room)
        return head.isEmpty ? tail : head + " " + tail
    }

    /// The full description, several lines.
    static func description(
        clientID: String,
        tool: ToolDefinition,
        arguments: [String: JSONValue]
    ) -> String {
        var lines = [
            "Client \"\(clientID)\" wants to call the tool \"\(tool.name)\" (\(effect(of: tool.annotations)))."
        ]
        let rendered = renderedArguments(arguments)
        if rendered.isEmpty {
            lines.append("No arguments.")
        } else {
            lines.append("Arguments:")
            lines += rendered.map { "  \($0): \($1)" }
        }
        return lines.joined(separator: "\n")
    }

    /// What the tool's annotations say it does, in a few words.
    static func effect(of annotations: ToolAnnotations) -> String {
        if annotations.readOnlyHint == true { return "read-only" }
        if annotations.destructiveHint == false { return "modifies, not destructive" }
        return "may modify or delete"
    }

    private static func render(_ value: JSONValue) -> String {
        if case .string(let text) = value, text.hasPrefix("<"), text.hasSuffix(">") { return text }  // redactor markers
        return JSONWriter.string(value)
    }

    /// `text` cut to `limit` characters with an ellipsis. Control characters, format characters
    /// (bidirectional overrides such as U+202E, zero-width spaces) and line or paragraph separators
    /// are written `\u{…}`, so an argument can neither forge lines nor reverse what the person reads.
    static func clip(_ text: String, to limit: Int) -> String {
        var cleaned = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                cleaned += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default:
                cleaned.unicodeScalars.append(scalar)
            }
        }
        guard cleaned.count > limit else { return cleaned }
        return String(cleaned.prefix(limit - 1)) + "…"
    }
}

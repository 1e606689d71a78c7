public import BastionProtocol
public import BastionSecurity

/// What a tool returns: content for the model, optional structured data, and whether it failed.
///
/// A failure during execution is a result with ``isError`` set, not a protocol error (tools.mdx):
/// the model sees it and can react.
public struct ToolResult: Sendable, Hashable {
    /// The content items.
    public var content: [ToolContent]
    /// Structured output matching the tool's `outputSchema` (sent from 2025-06-18 on).
    public var structuredContent: JSONValue?
    /// Whether the call failed.
    public var isError: Bool
    /// A permission refusal met during the call (the whole call's, or one part's, as for a file
    /// of `read_multiple_files`): the tool manager records it as `"decision":"deny"`. Never sent.
    public var denial: PermissionDenial?

    /// Creates a result.
    public init(content: [ToolContent], structuredContent: JSONValue? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// A successful result with one text item.
    public static func text(_ text: String) -> ToolResult { ToolResult(content: [.text(text)]) }

    /// A failed result with one text item explaining why.
    public static func error(_ message: String) -> ToolResult { ToolResult(content: [.text(message)], isError: true) }

    /// A failed result for a handler's error, keeping the permission refusal behind it for the audit record.
    public static func error(_ error: ToolError) -> ToolResult {
        var result = ToolResult.error(error.message)
        result.denial = error.denial
        return result
    }

    /// A successful structured result; the same JSON is also given as text, as the spec recommends.
    public static func structured(_ value: JSONValue) -> ToolResult {
        ToolResult(content: [.text(JSONWriter.string(value))], structuredContent: value)
    }

    /// The `tools/call` result object for a negotiated version.
    public func json(for version: ProtocolVersion) -> JSONValue {
        var members: [String: JSONValue] = ["content": .array(content.map { $0.json(for: version) })]
        if isError { members["isError"] = true }
        if version.hasStructuredContent, let structuredContent { members["structuredContent"] = structuredContent }
        return .object(members)
    }
}

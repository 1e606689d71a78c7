import BastionProtocol
import BastionSecurity

/// Describes what calls of some tools will do, for the person who approves them.
///
/// The approval step asks the previewer registered for the tool's name (``ApprovalManager``), so a
/// module adds its own — execution tools, say — without the approval code knowing them. A previewer
/// runs on the blocking executor (it may read files) and must not change anything.
protocol ApprovalPreviewer: Sendable {
    /// The tools it describes.
    var toolNames: Set<String> { get }

    /// What a call will do.
    /// - Parameters:
    ///   - tool: The tool.
    ///   - arguments: Its validated arguments.
    ///   - client: The caller (what the preview may read is what the caller may read).
    /// - Returns: The preview, or `nil` when there is nothing more to show than the arguments.
    func preview(tool: ToolDefinition, arguments: [String: JSONValue], client: ClientContext) -> ApprovalPreview?
}

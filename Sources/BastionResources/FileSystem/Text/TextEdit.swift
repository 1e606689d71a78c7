/// One replacement requested by the `edit_file` tool: find `oldText`, put `newText` in its place.
public struct TextEdit: Sendable, Hashable {
    /// The text to find. Must not be empty.
    public var oldText: String
    /// The text that replaces it.
    public var newText: String

    /// Creates an edit.
    /// - Parameters:
    ///   - oldText: The text to find; CRLF line endings are treated as LF.
    ///   - newText: The replacement; CRLF line endings are written as LF.
    public init(oldText: String, newText: String) {
        self.oldText = oldText
        self.newText = newText
    }
}

/// An edit of the `edit_file` tool could not be applied.
public struct TextEditError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case noMatch
            case emptyOldText
        }

        private let value: Value

        /// Neither an exact nor a whitespace-tolerant match of `oldText` was found.
        public static let noMatch = Code(value: .noMatch)
        /// `oldText` was empty, which would match everywhere.
        public static let emptyOldText = Code(value: .emptyOldText)

        public var description: String {
            switch value {
            case .noMatch: "noMatch"
            case .emptyOldText: "emptyOldText"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A message for the client, naming the edit.
    public var message: String
    /// The zero-based position of the failing edit in the request.
    public var editIndex: Int
    /// Where the error was created.
    public var fileID: String
    /// The line where the error was created.
    public var line: Int

    public var description: String { message }

    /// No match for `oldText`; the message is the reference server's, quoting the edit as the client sent it.
    /// - Parameters:
    ///   - oldText: The text that was not found, as sent.
    ///   - editIndex: The zero-based position of the edit.
    /// - Returns: An error with code ``Code/noMatch``.
    public static func noMatch(
        oldText: String,
        editIndex: Int,
        fileID: String = #fileID,
        line: Int = #line
    ) -> TextEditError {
        TextEditError(
            code: .noMatch,
            message: "Could not find exact match for edit:\n\(oldText)",
            editIndex: editIndex,
            fileID: fileID,
            line: line
        )
    }

    /// `oldText` was empty.
    /// - Parameter editIndex: The zero-based position of the edit.
    /// - Returns: An error with code ``Code/emptyOldText``.
    public static func emptyOldText(editIndex: Int, fileID: String = #fileID, line: Int = #line) -> TextEditError {
        TextEditError(
            code: .emptyOldText,
            message: "Edit \(editIndex + 1) has an empty oldText; say which text to replace",
            editIndex: editIndex,
            fileID: fileID,
            line: line
        )
    }
}

/// ``LineWindow`` could not return the requested lines.
public struct LineWindowError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare errors by code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidUTF8
            case readFailed
            case fileChanged
        }

        private let value: Value

        /// The selected bytes are not valid UTF-8: the tool reports a binary or non-UTF-8 file.
        public static let invalidUTF8 = Code(value: .invalidUTF8)
        /// `pread` failed; ``LineWindowError/errno`` says why.
        public static let readFailed = Code(value: .readFailed)
        /// The file ended before the size the caller gave: it shrank while being read.
        public static let fileChanged = Code(value: .fileChanged)

        public var description: String {
            switch value {
            case .invalidUTF8: "invalidUTF8"
            case .readFailed: "readFailed"
            case .fileChanged: "fileChanged"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A message for the client.
    public var message: String
    /// The `errno` of a failed read, else 0.
    public var errno: Int32
    /// Where the error was created.
    public var fileID: String
    /// The line where the error was created.
    public var line: Int

    public var description: String { message }

    /// The selected bytes are not UTF-8.
    /// - Returns: An error with code ``Code/invalidUTF8``.
    public static func invalidUTF8(fileID: String = #fileID, line: Int = #line) -> LineWindowError {
        LineWindowError(
            code: .invalidUTF8,
            message: "The file is binary or not UTF-8 text",
            errno: 0,
            fileID: fileID,
            line: line
        )
    }

    /// `pread` failed.
    /// - Parameter errno: The error number it set.
    /// - Returns: An error with code ``Code/readFailed``.
    public static func readFailed(errno: Int32, fileID: String = #fileID, line: Int = #line) -> LineWindowError {
        LineWindowError(
            code: .readFailed,
            message: "Reading the file failed (errno \(errno))",
            errno: errno,
            fileID: fileID,
            line: line
        )
    }

    /// The file is shorter than its expected size.
    /// - Returns: An error with code ``Code/fileChanged``.
    public static func fileChanged(fileID: String = #fileID, line: Int = #line) -> LineWindowError {
        LineWindowError(
            code: .fileChanged,
            message: "The file changed while it was being read",
            errno: 0,
            fileID: fileID,
            line: line
        )
    }
}

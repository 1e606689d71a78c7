/// Why the JSON parser rejected a document.
///
/// The description names only the code, the byte offset and a fixed reason, never the payload bytes,
/// because parse errors are logged and the payload is untrusted client input. Errors compare equal, and
/// hash, by ``code`` alone.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; switch on it or compare it with the static members.
    public let code: Code
    /// A short, fixed reason such as "unexpected character"; never contains input bytes.
    public let message: String
    /// The byte offset in the input where the problem was detected.
    public let offset: Int
    /// The Bastion source file that raised the error, for debugging.
    public let fileID: String
    /// The line in ``fileID`` that raised the error.
    public let line: UInt

    /// Creates an error; prefer the factories (`.syntax(_:at:)` and friends).
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: A short, fixed reason; must not contain input bytes.
    ///   - offset: The byte offset where the problem was detected.
    ///   - fileID: The source file raising the error.
    ///   - line: The source line raising the error.
    public init(code: Code, message: String, offset: Int, fileID: String = #fileID, line: UInt = #line) {
        self.code = code
        self.message = message
        self.offset = offset
        self.fileID = fileID
        self.line = line
    }

    /// A loggable summary, e.g. `JSON syntax error: unexpected character at byte 12`.
    public var description: String {
        "JSON \(code) error: \(message) at byte \(offset)"
    }

    public static func == (lhs: JSONParseError, rhs: JSONParseError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}

extension JSONParseError {
    /// The kind of a ``JSONParseError``; new kinds may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Storage: Hashable, Sendable {
            case tooLarge
            case tooDeep
            case invalidUTF8
            case syntax
        }

        private let storage: Storage

        private init(_ storage: Storage) {
            self.storage = storage
        }

        /// The input is larger than ``JSONLimits/maxBytes``.
        public static let tooLarge = Code(.tooLarge)
        /// Arrays and objects nest deeper than ``JSONLimits/maxDepth``.
        public static let tooDeep = Code(.tooDeep)
        /// A string contains bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// The input is not JSON as RFC 8259 defines it (or repeats a key in one object).
        public static let syntax = Code(.syntax)

        /// The code's name, e.g. `tooDeep`.
        public var description: String {
            switch storage {
            case .tooLarge: return "tooLarge"
            case .tooDeep: return "tooDeep"
            case .invalidUTF8: return "invalidUTF8"
            case .syntax: return "syntax"
            }
        }
    }
}

extension JSONParseError {
    /// Makes a ``Code/syntax`` error.
    ///
    /// - Parameters:
    ///   - message: A short, fixed reason; must not contain input bytes.
    ///   - offset: The byte offset where the problem was detected.
    /// - Returns: The error.
    package static func syntax(
        _ message: String,
        at offset: Int,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> JSONParseError {
        JSONParseError(code: .syntax, message: message, offset: offset, fileID: fileID, line: line)
    }

    /// Makes an ``Code/invalidUTF8`` error for the malformed sequence starting at `offset`.
    ///
    /// - Parameter offset: The byte offset of the first byte of the malformed sequence.
    /// - Returns: The error.
    package static func invalidUTF8(at offset: Int, fileID: String = #fileID, line: UInt = #line) -> JSONParseError {
        JSONParseError(code: .invalidUTF8, message: "invalid UTF-8", offset: offset, fileID: fileID, line: line)
    }

    /// Makes a ``Code/tooDeep`` error for the container opening at `offset`.
    ///
    /// - Parameters:
    ///   - maxDepth: The limit that was exceeded.
    ///   - offset: The byte offset of the `[` or `{` that would exceed it.
    /// - Returns: The error.
    package static func tooDeep(
        maxDepth: Int,
        at offset: Int,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> JSONParseError {
        let message = "nesting deeper than \(maxDepth)"
        return JSONParseError(code: .tooDeep, message: message, offset: offset, fileID: fileID, line: line)
    }

    /// Makes a ``Code/tooLarge`` error; the offset is the limit, the first byte not accepted.
    ///
    /// - Parameters:
    ///   - size: The input size in bytes.
    ///   - maxBytes: The limit that was exceeded.
    /// - Returns: The error.
    package static func tooLarge(
        size: Int,
        maxBytes: Int,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> JSONParseError {
        let message = "input of \(size) bytes exceeds the limit"
        return JSONParseError(code: .tooLarge, message: message, offset: maxBytes, fileID: fileID, line: line)
    }
}

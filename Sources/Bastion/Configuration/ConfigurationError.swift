/// A configuration that cannot be used, with the place that caused it.
///
/// ``description`` reads like a compiler diagnostic, so editors can jump to it:
/// `bastion.toml:12:5: clients[1].permissions[2]: unknown permission type "file_exec"; expected one of …`.
/// Array indexes in key paths count from 0, like the TOML arrays they point into.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; compare errors by code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case unreadable, syntax, unknownKey, wrongType, missingKey, invalidValue, duplicate, unsafe, unsupported
        }
        private let value: Value

        /// The file could not be read.
        public static let unreadable = Code(value: .unreadable)
        /// The file is not valid TOML (or is not UTF-8, or holds a NUL character).
        public static let syntax = Code(value: .syntax)
        /// A key that the configuration does not define.
        public static let unknownKey = Code(value: .unknownKey)
        /// A value of the wrong TOML type.
        public static let wrongType = Code(value: .wrongType)
        /// A required key or table is missing.
        public static let missingKey = Code(value: .missingKey)
        /// A value of the right type that is not acceptable (range, syntax, unknown name).
        public static let invalidValue = Code(value: .invalidValue)
        /// A name that must be unique appears twice.
        public static let duplicate = Code(value: .duplicate)
        /// Values that are each valid but unsafe together (a public listener without TLS).
        public static let unsafe = Code(value: .unsafe)
        /// A valid setting that this version does not implement yet (refused rather than ignored).
        public static let unsupported = Code(value: .unsupported)

        /// The code's name, for logs and tests.
        public var description: String {
            switch self.value {
            case .unreadable: return "unreadable"
            case .syntax: return "syntax"
            case .unknownKey: return "unknownKey"
            case .wrongType: return "wrongType"
            case .missingKey: return "missingKey"
            case .invalidValue: return "invalidValue"
            case .duplicate: return "duplicate"
            case .unsafe: return "unsafe"
            case .unsupported: return "unsupported"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The configuration file, as given to the loader.
    public var file: String
    /// The 1-based line of the offending key or value, when known.
    public var line: Int?
    /// The 1-based column of the offending key or value, when known.
    public var column: Int?
    /// The key path of the offending value, such as `clients[1].permissions[2]`; empty for the whole file.
    public var keyPath: String
    /// What is wrong with the value and what is expected instead.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - file: The configuration file.
    ///   - line: The 1-based line, when known.
    ///   - column: The 1-based column, when known.
    ///   - keyPath: The key path of the offending value.
    ///   - message: The explanation.
    public init(code: Code, file: String, line: Int?, column: Int?, keyPath: String, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// `FILE:LINE[:COLUMN]: KEYPATH: MESSAGE`, leaving out what is unknown.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !keyPath.isEmpty { text += "\(keyPath): " }
        return text + message
    }
}

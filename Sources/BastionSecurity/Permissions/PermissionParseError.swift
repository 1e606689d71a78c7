/// The error thrown when a permission spelling such as `"file_exec:/tmp"` cannot be parsed.
///
/// The ``message`` names the bad spelling and lists the valid permission types, so the configuration
/// loader can show it unchanged after the file, line and key path.
public struct PermissionParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; compare errors by code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case unknownType, missingArgument, unexpectedArgument, invalidArgument
        }
        private let value: Value

        /// The part before the first `:` is not a permission type.
        public static let unknownType = Code(value: .unknownType)
        /// The type needs an argument (`file_write_global:GLOB`, `system_command:PATTERN`, `custom:NAME`).
        public static let missingArgument = Code(value: .missingArgument)
        /// The type takes no argument (`code_execution_sudo`).
        public static let unexpectedArgument = Code(value: .unexpectedArgument)
        /// The argument is malformed: empty glob, control character, bad custom name, unknown option.
        public static let invalidArgument = Code(value: .invalidArgument)

        /// The code's name, for logs and tests.
        public var description: String {
            switch self.value {
            case .unknownType: return "unknownType"
            case .missingArgument: return "missingArgument"
            case .unexpectedArgument: return "unexpectedArgument"
            case .invalidArgument: return "invalidArgument"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// The spelling that failed to parse, exactly as given.
    public let spelling: String
    /// A human-readable explanation that names ``spelling`` and lists the valid types.
    public let message: String

    /// The error's message.
    public var description: String { self.message }

    /// Creates an error.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - spelling: The spelling that failed to parse.
    ///   - message: The full human-readable message.
    public init(code: Code, spelling: String, message: String) {
        self.code = code
        self.spelling = spelling
        self.message = message
    }

    /// The valid spellings, with their arguments, as shown in messages.
    static let validSyntax =
        "file_read[:GLOB], file_write[:GLOB], file_write_global:GLOB, code_execution[:unrestricted], "
        + "code_execution_sudo, system_command:PATTERN, custom:NAME"

    /// Makes the error for a type name that is not a permission type.
    static func unknownType(_ type: String, spelling: String) -> PermissionParseError {
        let expected = PermissionKind.typeNames.joined(separator: ", ")
        return PermissionParseError(
            code: .unknownType,
            spelling: spelling,
            message: "unknown permission type \"\(escaped(type))\"; expected one of \(expected)"
        )
    }

    /// Makes an error about the argument of a known type.
    static func argument(_ code: Code, spelling: String, reason: String) -> PermissionParseError {
        PermissionParseError(
            code: code,
            spelling: spelling,
            message: "invalid permission \"\(escaped(spelling))\": \(reason); valid permissions are \(validSyntax)"
        )
    }

    /// Shows control characters as escapes so a message stays on one line.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\0": result += "\\0"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

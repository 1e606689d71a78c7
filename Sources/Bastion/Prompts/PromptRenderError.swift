/// The error thrown when a prompt cannot be rendered with the arguments a client gave.
public struct PromptRenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; compare errors by code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable { case missingRequiredArgument }
        private let value: Value

        /// A required argument was not given.
        public static let missingRequiredArgument = Code(value: .missingRequiredArgument)

        /// The code's name, for logs and tests.
        public var description: String {
            switch self.value {
            case .missingRequiredArgument: return "missingRequiredArgument"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The prompt being rendered.
    public var prompt: String
    /// The argument at fault.
    public var argument: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - prompt: The prompt being rendered.
    ///   - argument: The argument at fault.
    public init(code: Code, prompt: String, argument: String) {
        self.code = code
        self.prompt = prompt
        self.argument = argument
    }

    /// A message fit for a JSON-RPC invalid-params error.
    public var description: String {
        "prompt \"\(prompt)\" requires the argument \"\(argument)\""
    }
}

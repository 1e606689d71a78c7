/// A prompt declared in the configuration (`[[prompts]]`), served through `prompts/list` and `prompts/get`.
public struct PromptDefinition: Sendable, Hashable {
    /// The prompt's name, `[A-Za-z0-9_.-]{1,128}`, unique within a configuration.
    public var name: String
    /// A human-friendly title.
    public var title: String?
    /// What the prompt is for.
    public var description: String?
    /// The arguments the prompt takes, in declaration order.
    public var arguments: [PromptArgument]
    /// The messages, with `{{argument}}` placeholders.
    public var messages: [PromptMessageTemplate]

    /// Creates a prompt.
    /// - Parameters:
    ///   - name: The prompt's name.
    ///   - title: A human-friendly title.
    ///   - description: What the prompt is for.
    ///   - arguments: The arguments, in declaration order.
    ///   - messages: The message templates.
    public init(
        name: String,
        title: String? = nil,
        description: String? = nil,
        arguments: [PromptArgument] = [],
        messages: [PromptMessageTemplate]
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.arguments = arguments
        self.messages = messages
    }

    /// Whether `name` is a valid prompt or argument name: 1 to 128 characters from `[A-Za-z0-9_.-]`.
    /// - Parameter name: The candidate name.
    /// - Returns: `true` when the name is valid.
    public static func isValidName(_ name: String) -> Bool {
        ConfigurationName.isValid(name, maxLength: 128)
    }

    /// Substitutes the arguments into the messages.
    ///
    /// Each `{{name}}` of a declared argument becomes its value; a missing optional argument becomes
    /// the empty string. A placeholder that names no declared argument is left as written, as is any
    /// argument that was not declared. Substitution is a single pass: a value that itself contains
    /// `{{other}}` is inserted verbatim, never expanded again.
    /// - Parameter arguments: The values given by the client, by argument name.
    /// - Returns: The messages with the values substituted.
    /// - Throws: ``PromptRenderError`` when a required argument is missing.
    public func render(arguments values: [String: String]) throws(PromptRenderError) -> [PromptMessageTemplate] {
        for argument in arguments where argument.isRequired && values[argument.name] == nil {
            throw PromptRenderError(code: .missingRequiredArgument, prompt: name, argument: argument.name)
        }
        var substitutions: [String: String] = [:]
        for argument in arguments {
            substitutions[argument.name] = values[argument.name] ?? ""
        }
        return messages.map { message in
            PromptMessageTemplate(role: message.role, text: Self.substitute(message.text, with: substitutions))
        }
    }

    /// One left-to-right pass over `text`: output is never rescanned, so values cannot inject placeholders.
    static func substitute(_ text: String, with substitutions: [String: String]) -> String {
        var result = ""
        var rest = text[...]
        while let open = rest.firstRange(of: "{{") {
            result += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = String(afterOpen[..<close.lowerBound])
            if let value = substitutions[name] {
                result += value
                rest = afterOpen[close.upperBound...]
            } else {
                // Not ours: keep "{{" and rescan right after it, so "{{{{a}}" still finds "{{a}}".
                result += "{{"
                rest = afterOpen
            }
        }
        result += rest
        return result
    }
}

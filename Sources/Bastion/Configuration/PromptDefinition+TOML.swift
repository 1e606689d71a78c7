extension PromptDefinition {
    /// The keys of a `[[prompts]]` table.
    static let tomlKeys = ["name", "title", "description", "arguments", "text", "messages"]

    /// Reads one `[[prompts]]` table: `text` (one user message) or `messages`, never both.
    static func decode(_ reader: TOMLTableReader) throws(ConfigurationError) -> PromptDefinition {
        let context = reader.context
        try reader.checkKeys(tomlKeys)
        let name = try reader.requiredString("name")
        guard isValidName(name) else {
            throw context.error(
                .invalidValue,
                at: reader.path.appending("name"),
                "invalid prompt name \(TOMLString.quoted(name)); expected 1 to 128 characters from [A-Za-z0-9_.-]"
            )
        }
        var arguments: [PromptArgument] = []
        var argumentPaths: [String: ConfigKeyPath] = [:]
        for argumentReader in try reader.tableArray("arguments") ?? [] {
            let argument = try decodeArgument(argumentReader)
            if let first = argumentPaths[argument.name] {
                throw context.error(
                    .duplicate,
                    at: argumentReader.path.appending("name"),
                    "duplicate argument \(TOMLString.quoted(argument.name)) "
                        + "(first defined at \(context.location(of: first)))"
                )
            }
            argumentPaths[argument.name] = argumentReader.path
            arguments.append(argument)
        }
        let messages = try decodeMessages(reader)
        return PromptDefinition(
            name: name,
            title: try reader.string("title"),
            description: try reader.string("description"),
            arguments: arguments,
            messages: messages
        )
    }

    private static func decodeArgument(_ reader: TOMLTableReader) throws(ConfigurationError) -> PromptArgument {
        try reader.checkKeys(["name", "description", "required", "completions"])
        let name = try reader.requiredString("name")
        guard isValidName(name) else {
            throw reader.context.error(
                .invalidValue,
                at: reader.path.appending("name"),
                "invalid argument name \(TOMLString.quoted(name)); expected 1 to 128 characters from [A-Za-z0-9_.-]"
            )
        }
        let completions = try reader.stringArray("completions")?.map(\.value) ?? []
        return PromptArgument(
            name: name,
            description: try reader.string("description"),
            isRequired: try reader.bool("required") ?? false,
            completions: completions
        )
    }

    private static func decodeMessages(_ reader: TOMLTableReader) throws(ConfigurationError) -> [PromptMessageTemplate]
    {
        let context = reader.context
        switch (reader.contains("text"), reader.contains("messages")) {
        case (true, true):
            throw context.error(
                .invalidValue,
                at: reader.path.appending("messages"),
                "use either \"text\" or \"messages\", not both"
            )
        case (false, false):
            throw context.error(
                .missingKey,
                at: reader.path.appending("text"),
                "a prompt needs \"text\" (one user message) or \"messages\""
            )
        case (true, false):
            return [PromptMessageTemplate(role: .user, text: try reader.requiredString("text"))]
        case (false, true):
            var messages: [PromptMessageTemplate] = []
            for messageReader in try reader.tableArray("messages") ?? [] {
                try messageReader.checkKeys(["role", "text"])
                guard let role = try messageReader.choice("role", as: PromptMessageTemplate.Role.self) else {
                    throw messageReader.missing("role")
                }
                messages.append(PromptMessageTemplate(role: role, text: try messageReader.requiredString("text")))
            }
            guard !messages.isEmpty else {
                throw context.error(
                    .invalidValue,
                    at: reader.path.appending("messages"),
                    "a prompt needs at least one message"
                )
            }
            return messages
        }
    }
}

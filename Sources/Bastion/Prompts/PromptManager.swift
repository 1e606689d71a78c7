import BastionProtocol

/// Serves `prompts/list` and `prompts/get` from the prompts declared in the configuration.
struct PromptManager: Sendable {
    private let prompts: [PromptDefinition]

    init(prompts: [PromptDefinition]) {
        self.prompts = prompts
    }

    /// Answers `prompts/list`.
    func list(params: JSONValue?, version: ProtocolVersion, pageSize: Int) throws(JSONRPCError) -> JSONValue {
        let (page, next) = try Pagination(list: "prompts", pageSize: pageSize).page(prompts, cursor: params?["cursor"])
        var result: [String: JSONValue] = ["prompts": .array(page.map { listing($0, version: version) })]
        if let next { result["nextCursor"] = .string(next) }
        return .object(result)
    }

    /// Answers `prompts/get`: unknown prompts and missing required arguments are -32602 (prompts.mdx).
    func get(params: JSONValue?) throws(JSONRPCError) -> JSONValue {
        guard let name = params?["name"]?.stringValue else { throw .invalidParams("\"name\" must be a string") }
        guard let prompt = prompts.first(where: { $0.name == name }) else {
            throw .invalidParams("unknown prompt \"\(name)\"")
        }
        var values: [String: String] = [:]
        for (key, value) in params?["arguments"]?.objectValue ?? [:] {
            guard let text = value.stringValue else { throw .invalidParams("argument \"\(key)\" must be a string") }
            values[key] = text
        }
        let messages: [PromptMessageTemplate]
        do {
            messages = try prompt.render(arguments: values)
        } catch {
            throw .invalidParams(error.description)
        }
        var result: [String: JSONValue] = [
            "messages": .array(
                messages.map {
                    ["role": .string($0.role.rawValue), "content": ["type": "text", "text": .string($0.text)]]
                }
            )
        ]
        if let description = prompt.description { result["description"] = .string(description) }
        return .object(result)
    }

    /// Suggestions for a prompt argument: the prompt must exist; values come from the argument's
    /// declared completions, when it has some.
    func complete(prompt name: String, argument: String, prefix: String) throws(JSONRPCError) -> [String] {
        guard let prompt = prompts.first(where: { $0.name == name }) else {
            throw .invalidParams("unknown prompt \"\(name)\"")
        }
        guard let declared = prompt.arguments.first(where: { $0.name == argument }) else {
            throw .invalidParams("prompt \"\(name)\" has no argument \"\(argument)\"")
        }
        return declared.completions.filter { $0.hasPrefix(prefix) }
    }

    private func listing(_ prompt: PromptDefinition, version: ProtocolVersion) -> JSONValue {
        var members: [String: JSONValue] = ["name": .string(prompt.name)]
        if let title = prompt.title, version.hasStructuredContent { members["title"] = .string(title) }
        if let description = prompt.description { members["description"] = .string(description) }
        members["arguments"] = .array(
            prompt.arguments.map { argument in
                var entry: [String: JSONValue] = [
                    "name": .string(argument.name), "required": .bool(argument.isRequired),
                ]
                if let description = argument.description { entry["description"] = .string(description) }
                return .object(entry)
            }
        )
        return .object(members)
    }
}

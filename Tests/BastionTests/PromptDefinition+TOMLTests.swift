import Testing

@testable import Bastion

struct PromptDefinitionTOMLTests {
    typealias Support = ConfigurationTestSupport

    private func prompts(_ body: String) throws -> [PromptDefinition] {
        try Support.parse(Support.minimalClient + body).prompts
    }

    @Test("messages gives several messages with roles; arguments may declare completions")
    func messagesArray() throws {
        let prompts = try prompts(
            """
            [[prompts]]
            name = "chat"
            arguments = [{ name = "lang", completions = ["swift", "c"] }]
            messages = [
              { role = "user", text = "Hello in {{lang}}" },
              { role = "assistant", text = "Sure" },
            ]
            """
        )
        #expect(
            prompts == [
                PromptDefinition(
                    name: "chat",
                    arguments: [PromptArgument(name: "lang", completions: ["swift", "c"])],
                    messages: [.init(role: .user, text: "Hello in {{lang}}"), .init(role: .assistant, text: "Sure")]
                )
            ]
        )
    }

    @Test("Arguments may also be written as [[prompts.arguments]] tables")
    func argumentTables() throws {
        let prompts = try prompts(
            "[[prompts]]\nname = \"p\"\ntext = \"t\"\n[[prompts.arguments]]\nname = \"a\"\nrequired = true\n"
        )
        #expect(prompts.first?.arguments == [PromptArgument(name: "a", isRequired: true)])
    }

    @Test(
        "Bad prompts are refused at their key",
        arguments: [
            ("name = \"p\"", "prompts[0].text", 3, ConfigurationError.Code.missingKey),
            ("text = \"t\"", "prompts[0].name", 3, .missingKey),
            ("name = \"a b\"\ntext = \"t\"", "prompts[0].name", 4, .invalidValue),
            ("name = \"p\"\ntext = 1", "prompts[0].text", 5, .wrongType),
            ("name = \"p\"\ntext = \"t\"\nsystem = \"s\"", "prompts[0].system", 6, .unknownKey),
            (
                "name = \"p\"\nmessages = [{ role = \"system\", text = \"t\" }]", "prompts[0].messages[0].role", 5,
                .invalidValue
            ),
            ("name = \"p\"\nmessages = [{ text = \"t\" }]", "prompts[0].messages[0].role", 5, .missingKey),
            ("name = \"p\"\nmessages = [{ role = \"user\" }]", "prompts[0].messages[0].text", 5, .missingKey),
            ("name = \"p\"\nmessages = []", "prompts[0].messages", 5, .invalidValue),
            (
                "name = \"p\"\ntext = \"t\"\narguments = [{ description = \"d\" }]", "prompts[0].arguments[0].name", 6,
                .missingKey
            ),
            (
                "name = \"p\"\ntext = \"t\"\narguments = [{ name = \"a\" }, { name = \"a\" }]",
                "prompts[0].arguments[1].name", 6, .duplicate
            ),
            (
                "name = \"p\"\ntext = \"t\"\narguments = [{ name = \"a\", required = \"yes\" }]",
                "prompts[0].arguments[0].required", 6, .wrongType
            ),
            (
                "name = \"p\"\ntext = \"t\"\narguments = [{ name = \"a\", kind = 1 }]", "prompts[0].arguments[0].kind",
                6, .unknownKey
            ),
        ]
    )
    func refused(body: String, keyPath: String, line: Int, code: ConfigurationError.Code) throws {
        let error = try Support.error(Support.minimalClient + "[[prompts]]\n" + body + "\n")
        #expect(error.keyPath == keyPath)
        #expect(error.line == line)
        #expect(error.code == code)
    }
}

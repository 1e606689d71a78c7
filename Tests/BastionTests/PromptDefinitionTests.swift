import Testing

@testable import Bastion

struct PromptDefinitionTests {
    private let review = PromptDefinition(
        name: "review",
        arguments: [PromptArgument(name: "path", isRequired: true), PromptArgument(name: "focus")],
        messages: [
            .init(role: .user, text: "Please review {{path}}. Focus: {{focus}}"),
            .init(role: .assistant, text: "Reviewing {{path}} ({{unknown}})"),
        ]
    )

    private func render(_ text: String, _ values: [String: String]) throws -> String {
        let prompt = PromptDefinition(
            name: "p",
            arguments: [PromptArgument(name: "a"), PromptArgument(name: "b")],
            messages: [.init(role: .user, text: text)]
        )
        return try #require(try prompt.render(arguments: values).first).text
    }

    @Test("Arguments are substituted in every message, keeping roles")
    func substitutes() throws {
        let messages = try review.render(arguments: ["path": "main.swift", "focus": "safety"])
        #expect(
            messages == [
                .init(role: .user, text: "Please review main.swift. Focus: safety"),
                .init(role: .assistant, text: "Reviewing main.swift ({{unknown}})"),
            ]
        )
    }

    @Test("A missing optional argument becomes the empty string")
    func missingOptional() throws {
        let messages = try review.render(arguments: ["path": "x"])
        #expect(messages.first?.text == "Please review x. Focus: ")
    }

    @Test("A missing required argument is an error naming it, even an empty value counts as given")
    func missingRequired() throws {
        let error = #expect(throws: PromptRenderError.self) { try review.render(arguments: ["focus": "f"]) }
        #expect(error?.code == .missingRequiredArgument)
        #expect(error?.argument == "path")
        #expect(error?.prompt == "review")
        #expect(try review.render(arguments: ["path": ""]).first?.text == "Please review . Focus: ")
    }

    @Test(
        "Substitution edge cases",
        arguments: [
            ("{{a}}{{b}}", ["a": "1", "b": "2"], "12"),
            ("{{a}}", ["a": "{{b}}", "b": "x"], "{{b}}"),  // single pass: values are never expanded again
            ("{{b}}", ["b": "{{a}}"], "{{a}}"),
            ("{{ a }}", ["a": "1"], "{{ a }}"),  // not a declared name
            ("{{c}}", ["c": "1"], "{{c}}"),  // undeclared arguments are ignored
            ("{{{{a}}}}", ["a": "1"], "{{1}}"),
            ("{{a", ["a": "1"], "{{a"),
            ("a}}", ["a": "1"], "a}}"),
            ("{{}}", ["a": "1"], "{{}}"),
            ("{{a}} and {{a}}", ["a": "é😀"], "é😀 and é😀"),
            ("no placeholders", [:], "no placeholders"),
            ("{{x {{a}}", ["a": "1"], "{{x 1"),
        ] as [(String, [String: String], String)]
    )
    func edgeCases(text: String, values: [String: String], expected: String) throws {
        #expect(try render(text, values) == expected)
    }

    @Test(
        "Prompt names are 1 to 128 characters from [A-Za-z0-9_.-]",
        arguments: [
            ("review", true), ("code.review-2_x", true), (String(repeating: "p", count: 128), true), ("", false),
            (String(repeating: "p", count: 129), false), ("with space", false), ("a/b", false),
        ]
    )
    func validNames(name: String, isValid: Bool) {
        #expect(PromptDefinition.isValidName(name) == isValid)
    }
}

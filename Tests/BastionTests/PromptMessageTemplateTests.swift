import Testing

@testable import Bastion

struct PromptMessageTemplateTests {
    @Test("Roles are spelled user and assistant, as in MCP")
    func roles() {
        #expect(PromptMessageTemplate.Role.allCases.map(\.rawValue) == ["user", "assistant"])
        #expect(PromptMessageTemplate.Role(rawValue: "system") == nil)
    }

    @Test("A template keeps its role and text")
    func keepsFields() {
        let message = PromptMessageTemplate(role: .assistant, text: "{{x}}")
        #expect(message.role == .assistant)
        #expect(message.text == "{{x}}")
    }
}

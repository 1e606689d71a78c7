import Testing

@testable import Bastion

struct PromptArgumentTests {
    @Test("An argument is optional, undescribed and without completions by default")
    func defaults() {
        let argument = PromptArgument(name: "path")
        #expect(argument.description == nil)
        #expect(argument.isRequired == false)
        #expect(argument.completions.isEmpty)
    }

    @Test("Arguments compare every field")
    func equality() {
        #expect(PromptArgument(name: "a", isRequired: true) != PromptArgument(name: "a"))
        #expect(PromptArgument(name: "a", completions: ["x"]) != PromptArgument(name: "a"))
    }
}

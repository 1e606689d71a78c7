import Testing

@testable import Bastion

struct PromptRenderErrorTests {
    @Test("The description names the prompt and the missing argument")
    func description() {
        let error = PromptRenderError(code: .missingRequiredArgument, prompt: "review", argument: "path")
        #expect(error.description == "prompt \"review\" requires the argument \"path\"")
        #expect(error.code.description == "missingRequiredArgument")
    }
}

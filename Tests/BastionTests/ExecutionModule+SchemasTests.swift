import BastionProtocol
import Testing

@testable import Bastion

struct ExecutionModuleSchemasTests {
    @Test func argumentsTheModelMaySendAreDeclaredAndOthersRefused() {
        #expect(ExecutionModule.commandSchema["required"] == ["command"])
        #expect(ExecutionModule.commandSchema["additionalProperties"] == false)
        #expect(ExecutionModule.codeSchema["required"] == ["language", "code"])
        #expect(ArgumentValidator.validate(["command": ["echo"], "timeout_ms": 5], against: ExecutionModule.commandSchema) == nil)
        #expect(ArgumentValidator.validate(["command": "echo hi"], against: ExecutionModule.commandSchema) != nil)
        #expect(ArgumentValidator.validate(["language": "sh"], against: ExecutionModule.codeSchema) != nil)
    }
}

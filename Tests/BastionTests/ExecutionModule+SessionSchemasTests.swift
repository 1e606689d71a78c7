import BastionProtocol
import Testing

@testable import Bastion

struct ExecutionModuleSessionSchemasTests {
    @Test func boundsAreDeclaredSoBadArgumentsAreRefusedBeforeTheHandler() {
        #expect(
            ArgumentValidator.validate(["command": ["sh"], "wait_ms": 500], against: ExecutionModule.startSchema) == nil
        )
        #expect(
            ArgumentValidator.validate(["command": ["sh"], "wait_ms": 30_001], against: ExecutionModule.startSchema)
                != nil
        )
        #expect(ArgumentValidator.validate(["sessionId": "p-1"], against: ExecutionModule.readSchema) == nil)
        #expect(ArgumentValidator.validate([:], against: ExecutionModule.readSchema) != nil)
        #expect(
            ArgumentValidator.validate(["sessionId": "p-1", "stdoutOffset": -1], against: ExecutionModule.readSchema)
                != nil
        )
        #expect(
            ArgumentValidator.validate(["sessionId": "p-1", "timeout_ms": 30_001], against: ExecutionModule.readSchema)
                != nil
        )
        #expect(ArgumentValidator.validate(["sessionId": "p-1"], against: ExecutionModule.writeSchema) != nil)
        #expect(
            ArgumentValidator.validate(["sessionId": "p-1", "signal": "STOP"], against: ExecutionModule.killSchema)
                != nil
        )
        #expect(
            ArgumentValidator.validate(["sessionId": "p-1", "signal": "INT"], against: ExecutionModule.killSchema)
                == nil
        )
        #expect(ArgumentValidator.validate(["extra": 1], against: ExecutionModule.listSchema) != nil)
    }

    @Test func startTakesBothFormsArgumentsAndNoOther() {
        let names = Set(ExecutionModule.startSchema["properties"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(
            names == ["command", "language", "code", "cwd", "stdin", "env", "timeout_ms", "wait_ms", "sudo"]
        )
        #expect(
            ArgumentValidator.validate(["language": "sh", "code": "true"], against: ExecutionModule.startSchema) == nil
        )
        #expect(ArgumentValidator.validate(["program": "sh"], against: ExecutionModule.startSchema) != nil)
    }
}

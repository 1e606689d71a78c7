import Testing

@testable import BastionResources

struct ExecutionRequestTests {
    @Test func requestsCompareByEveryPartIncludingTheEnvironment() {
        let a = ExecutionRequest(program: .command(["echo"]), environment: [("A", "1")])
        #expect(a == ExecutionRequest(program: .command(["echo"]), environment: [("A", "1")]))
        #expect(a != ExecutionRequest(program: .command(["echo"]), environment: [("A", "2")]))
        #expect(a != ExecutionRequest(program: .code(language: "sh", source: "echo")))
        let script = ExecutionRequest(program: .code(language: "sh", source: ""))
        #expect(script != ExecutionRequest(program: .code(language: "sh", source: ""), isInteractive: true))
        #expect(!script.isInteractive)
    }
}

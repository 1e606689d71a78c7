import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

/// `tasks/*` and task-augmented `tools/call` through the runtime's routes (ServerRuntime+Tasks.swift).
struct ServerRuntimeTasksTests {
    private struct AllowAll: SandboxValidator {
        func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String? { nil }
    }

    private func makeRuntime() -> ServerRuntime {
        var tools = ToolRegistry()
        tools.register(
            name: "long",
            description: "d",
            inputSchema: ["type": "object"],
            permissions: .public,
            taskSupport: .optional
        ) { _, _ in ToolResult.text("done") }
        tools.register(name: "short", description: "d", inputSchema: ["type": "object"], permissions: .public) { _, _ in
            ToolResult.text("quick")
        }
        return ServerRuntime(
            tools: ToolManager(tools: tools.tools, sandbox: AllowAll(), logger: SessionTestSupport.quietLogger),
            resources: ResourceManager(registry: ResourceRegistry(), logger: SessionTestSupport.quietLogger),
            prompts: PromptManager(prompts: []),
            pageSize: 2,
            logger: SessionTestSupport.quietLogger
        )
    }

    /// Feeds `requests` one at a time (after `initialize`), each answered before the next is sent.
    private func exchange(_ requests: [String], version: ProtocolVersion = .latest) async -> [JSONValue] {
        let sink = RecordingSink()
        let session = SessionTestSupport.makeSession(
            router: makeRuntime().makeRouter(for: SessionTestSupport.makeClient()),
            sink: sink
        )
        SessionTestSupport.initialize(session, version: version)
        var answers: [JSONValue] = []
        for (index, request) in requests.enumerated() {
            let text = request.replacingTaskID(with: answers.last?["result"]?["task"]?["taskId"]?.stringValue)
            SessionTestSupport.feed(session, "{\"jsonrpc\":\"2.0\",\"id\":\(index + 1)," + text + "}")
            for _ in 0..<500 {
                if let answer = sink.response(to: .int(Int64(index + 1))) {
                    answers.append(answer)
                    break
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        await session.close()
        return answers
    }

    @Test func aTaskIsCreatedPolledAndFetched() async {
        let answers = await exchange([
            #""method":"tools/call","params":{"name":"long","arguments":{},"task":{"ttl":60000}}"#,
            #""method":"tasks/result","params":{"taskId":"TASK"}"#,
        ])
        #expect(answers.first?["result"]?["task"]?["status"] == "working")
        let taskID = answers.first?["result"]?["task"]?["taskId"]
        #expect(answers.last?["result"]?["content"]?.arrayValue?.first?["text"] == "done")
        #expect(answers.last?["result"]?["_meta"]?["io.modelcontextprotocol/related-task"] == ["taskId": taskID ?? .null])
    }

    @Test func aToolThatForbidsTasksIsRefusedWithMethodNotFound() async {
        let answers = await exchange([#""method":"tools/call","params":{"name":"short","arguments":{},"task":{}}"#])
        #expect(answers.first?["error"]?["code"] == -32601)
    }

    @Test func beforeTasksExistTheTaskIsIgnoredAndTheMethodsAreUnknown() async {
        let answers = await exchange(
            [
                #""method":"tools/call","params":{"name":"long","arguments":{},"task":{}}"#,
                #""method":"tasks/list","params":{}"#,
            ],
            version: .v2025_06_18
        )
        #expect(answers.first?["result"]?["content"]?.arrayValue?.first?["text"] == "done")
        #expect(answers.last?["error"]?["code"] == -32601)
    }

    @Test func theListIsPaginated() async {
        let create = #""method":"tools/call","params":{"name":"long","arguments":{},"task":{}}"#
        let answers = await exchange([create, create, create, #""method":"tasks/list","params":{}"#])
        #expect(answers.last?["result"]?["tasks"]?.arrayValue?.count == 2)
        #expect(answers.last?["result"]?["nextCursor"] == "tasks:2")
    }
}

extension String {
    /// The request with `TASK` replaced by the id of the last task created.
    fileprivate func replacingTaskID(with id: String?) -> String {
        guard let id, let range = range(of: "TASK") else { return self }
        return replacingCharacters(in: range, with: id)
    }
}

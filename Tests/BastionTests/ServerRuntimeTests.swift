import BastionProtocol
import BastionResources
import BastionSecurity
import Testing

@testable import Bastion

struct ServerRuntimeTests {
    static let methods = [
        "tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read", "prompts/list",
        "prompts/get", "completion/complete",
    ]

    private func makeRuntime(pageSize: Int = 50) -> ServerRuntime {
        var tools = ToolRegistry()
        var resources = ResourceRegistry()
        let module = DiagnosticsModule(serverVersion: "1.2.3")
        module.register(in: &tools)
        module.register(in: &resources)
        let prompts = [
            PromptDefinition(
                name: "greet",
                arguments: [PromptArgument(name: "who", isRequired: true, completions: ["world"])],
                messages: [PromptMessageTemplate(role: .user, text: "Hello {{who}}")]
            )
        ]
        return ServerRuntime(
            tools: ToolManager(tools: tools.tools, sandbox: AllowAll(), logger: SessionTestSupport.quietLogger),
            resources: ResourceManager(registry: resources, logger: SessionTestSupport.quietLogger),
            prompts: PromptManager(prompts: prompts),
            pageSize: pageSize,
            logger: SessionTestSupport.quietLogger
        )
    }

    private struct AllowAll: SandboxValidator {
        func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String? { nil }
    }

    /// Runs `requests` (after `initialize`) through a session routed by the runtime; returns the responses by id.
    private func exchange(
        _ requests: [String],
        client: ClientContext,
        version: ProtocolVersion = .latest,
        pageSize: Int = 50
    ) async -> RecordingSink {
        let sink = RecordingSink()
        let session = SessionTestSupport.makeSession(
            router: makeRuntime(pageSize: pageSize).makeRouter(for: client),
            sink: sink
        )
        SessionTestSupport.initialize(session, version: version)
        for (index, request) in requests.enumerated() {
            SessionTestSupport.feed(session, "{\"jsonrpc\":\"2.0\",\"id\":\(index + 1)," + request + "}")
        }
        await session.close()
        return sink
    }

    @Test func capabilitiesDeclareWhatIsServed() {
        let capabilities = ServerRuntime.capabilities
        #expect(capabilities.tools && capabilities.resources && capabilities.prompts)
        #expect(capabilities.logging && capabilities.completions)
        #expect(capabilities.resourceSubscriptions && capabilities.toolsListChanged)
    }

    @Test(arguments: methods)
    func everyServedMethodIsRouted(method: String) {
        let router = makeRuntime().makeRouter(for: SessionTestSupport.makeClient())
        #expect(router.requestHandler(for: method) != nil)
    }

    @Test func unservedMethodsAreNotRouted() {
        let router = makeRuntime().makeRouter(for: SessionTestSupport.makeClient())
        #expect(router.requestHandler(for: "resources/subscribe") != nil)
        #expect(router.requestHandler(for: "resources/unsubscribe") != nil)
        #expect(router.requestHandler(for: "sampling/createMessage") == nil)
        #expect(router.notificationHandler(for: "notifications/roots/list_changed") != nil)
    }

    @Test func requestsReachTheManagersWithTheClientsContext() async throws {
        let client = SessionTestSupport.makeClient(id: "ada")
        let sink = await exchange(
            [
                #""method":"tools/list""#,
                #""method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}"#,
                #""method":"resources/read","params":{"uri":"bastion://diagnostics/info"}"#,
                #""method":"prompts/get","params":{"name":"greet","arguments":{"who":"Ada"}}"#,
                #""method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"greet"},"#
                    + #""argument":{"name":"who","value":"w"}}"#,
                #""method":"resources/templates/list""#,
                #""method":"resources/list""#,
                #""method":"prompts/list""#,
            ],
            client: client
        )
        let names = sink.response(to: 1)?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["echo", "sleep", "whoami"])
        #expect(sink.response(to: 2)?["result"] == ["content": [["type": "text", "text": "hi"]]])
        let info = try #require(sink.response(to: 3)?["result"]?["contents"]?.arrayValue?.first?["text"]?.stringValue)
        #expect(try JSONParser.parse(info)["client"] == "ada")
        #expect(
            sink.response(to: 4)?["result"]?["messages"]
                == [["role": "user", "content": ["type": "text", "text": "Hello Ada"]]]
        )
        #expect(sink.response(to: 5)?["result"]?["completion"]?["values"] == ["world"])
        #expect(sink.response(to: 6)?["result"]?["resourceTemplates"]?.arrayValue?.count == 1)
        #expect(sink.response(to: 7)?["result"]?["resources"]?.arrayValue?.count == 1)
        #expect(sink.response(to: 8)?["result"]?["prompts"]?.arrayValue?.count == 1)
    }

    @Test func theNegotiatedVersionShapesTheAnswers() async throws {
        let client = SessionTestSupport.makeClient(id: "ada")
        let old = await exchange(
            [#""method":"tools/call","params":{"name":"whoami"}"#],
            client: client,
            version: .v2025_03_26
        )
        #expect(old.response(to: 1)?["result"]?["structuredContent"] == nil)
        let new = await exchange(
            [#""method":"tools/call","params":{"name":"whoami"}"#],
            client: client,
            version: .v2025_06_18
        )
        #expect(new.response(to: 1)?["result"]?["structuredContent"]?["client"] == "ada")
    }

    @Test func invalidArgumentsFollowTheVersionRule() async throws {
        let client = SessionTestSupport.makeClient()
        let request = #""method":"tools/call","params":{"name":"echo","arguments":{}}"#
        let old = await exchange([request], client: client, version: .v2025_06_18)
        #expect(old.response(to: 1)?["error"]?["code"] == -32602)
        let new = await exchange([request], client: client, version: .v2025_11_25)
        #expect(new.response(to: 1)?["result"]?["isError"] == true)
    }

    @Test func thePageSizeApplies() async throws {
        let sink = await exchange(
            [#""method":"tools/list""#],
            client: SessionTestSupport.makeClient(permissions: [.fileRead(glob: nil)]),
            pageSize: 2
        )
        #expect(sink.response(to: 1)?["result"]?["tools"]?.arrayValue?.count == 2)
        #expect(sink.response(to: 1)?["result"]?["nextCursor"] == "tools:2")
    }

    @Test func aRequestContextFallsBackToTheLatestVersionBeforeInitialize() {
        let session = SessionTestSupport.makeSession()
        let context = RequestContext(id: .int(1), method: "tools/list", params: nil, session: session)
        #expect(context.version == .latest)
        SessionTestSupport.initialize(session, version: .v2024_11_05)
        #expect(context.version == .v2024_11_05)
    }
}

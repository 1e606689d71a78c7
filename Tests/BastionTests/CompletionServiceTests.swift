import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct CompletionServiceTests {
    private static func makeService() -> CompletionService {
        let prompts = PromptManager(prompts: [
            PromptDefinition(
                name: "review",
                arguments: [PromptArgument(name: "lang", completions: ["swift", "sql", "rust"])],
                messages: []
            )
        ])
        var registry = ResourceRegistry()
        registry.registerTemplate(
            "x://many/{n}",
            name: "Many",
            permissions: .public,
            complete: { _, _ in (0..<150).map { "v\($0)" } },
            read: { _, _, _ in [] }
        )
        registry.registerTemplate(
            "x://words/{w}",
            name: "Words",
            permissions: .public,
            complete: { _, prefix in
                ["alpha", "beta", "alps"].filter { $0.hasPrefix(prefix) }
            },
            read: { _, _, _ in [] }
        )
        registry.registerTemplate("x://plain/{p}", name: "Plain", permissions: .public) { _, _, _ in [] }
        registry.registerTemplate(
            "x://hidden/{h}",
            name: "Hidden",
            permissions: [.codeExecutionSudo],
            complete: { _, _ in ["h"] },
            read: { _, _, _ in [] }
        )
        return CompletionService(
            prompts: prompts,
            resources: ResourceManager(registry: registry, logger: SessionTestSupport.quietLogger)
        )
    }

    private let service = makeService()
    private let client = SessionTestSupport.makeClient()

    private func complete(_ ref: JSONValue, _ name: String, _ value: String) throws(JSONRPCError) -> JSONValue {
        try service.complete(
            params: ["ref": ref, "argument": ["name": .string(name), "value": .string(value)]],
            client: client
        )
    }

    @Test func promptArgumentsComplete() throws {
        let result = try complete(["type": "ref/prompt", "name": "review"], "lang", "s")
        #expect(result == ["completion": ["values": ["swift", "sql"], "total": 2, "hasMore": false]])
    }

    @Test func resourceTemplateVariablesComplete() throws {
        let result = try complete(["type": "ref/resource", "uri": "x://words/{w}"], "w", "al")
        #expect(result == ["completion": ["values": ["alpha", "alps"], "total": 2, "hasMore": false]])
    }

    @Test func aTemplateWithoutCompleterOffersNothing() throws {
        let result = try complete(["type": "ref/resource", "uri": "x://plain/{p}"], "p", "")
        #expect(result == ["completion": ["values": [], "total": 0, "hasMore": false]])
    }

    @Test func answersAreCappedAt100Values() throws {
        let result = try complete(["type": "ref/resource", "uri": "x://many/{n}"], "n", "")
        let completion = try #require(result["completion"])
        #expect(completion["values"]?.arrayValue?.count == 100)
        #expect(completion["values"]?.arrayValue?.first == "v0")
        #expect(completion["total"] == 150)
        #expect(completion["hasMore"] == true)
    }

    @Test(arguments: [
        JSONValue.object(["type": "ref/resource", "uri": "x://unknown/{u}"]),
        ["type": "ref/resource", "uri": "x://hidden/{h}"],
        ["type": "ref/resource"],
        ["type": "ref/prompt"],
        ["type": "ref/prompt", "name": "unknown"],
        ["type": "ref/tool", "name": "echo"],
        ["name": "review"],
        "ref/prompt",
    ])
    func badReferencesAreInvalidParams(ref: JSONValue) throws {
        let error = try #require(throws: JSONRPCError.self) { try complete(ref, "x", "") }
        #expect(error.code == JSONRPCError.invalidParamsCode)
    }

    @Test(arguments: [
        JSONValue.object(["ref": ["type": "ref/prompt", "name": "review"]]),
        ["ref": ["type": "ref/prompt", "name": "review"], "argument": ["name": "lang"]],
        ["ref": ["type": "ref/prompt", "name": "review"], "argument": ["name": 1, "value": "s"]],
        ["argument": ["name": "lang", "value": "s"]],
    ])
    func aMalformedRequestIsInvalidParams(params: JSONValue) throws {
        let error = try #require(throws: JSONRPCError.self) { try service.complete(params: params, client: client) }
        #expect(error.code == JSONRPCError.invalidParamsCode)
    }

    @Test func theCapIsTheSpecsHundred() {
        #expect(CompletionService.maxValues == 100)
    }
}

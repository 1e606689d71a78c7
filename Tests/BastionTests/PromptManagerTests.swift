import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct PromptManagerTests {
    static let review = PromptDefinition(
        name: "review",
        title: "Code review",
        description: "Review a file",
        arguments: [
            PromptArgument(
                name: "path",
                description: "The file",
                isRequired: true,
                completions: ["src/a.swift", "src/b.swift", "README.md"]
            ),
            PromptArgument(name: "focus"),
        ],
        messages: [
            PromptMessageTemplate(role: .user, text: "Review {{path}} for {{focus}}."),
            PromptMessageTemplate(role: .assistant, text: "Reading {{path}}."),
        ]
    )
    static let plain = PromptDefinition(name: "plain", messages: [PromptMessageTemplate(role: .user, text: "Hi")])

    let manager = PromptManager(prompts: [review, plain, PromptDefinition(name: "third", messages: [])])

    @Test func listDescribesEveryPromptAndItsArguments() throws {
        let listing = try manager.list(params: nil, version: .latest, pageSize: 50)
        let prompts = try #require(listing["prompts"]?.arrayValue)
        #expect(prompts.count == 3)
        #expect(
            prompts[0] == [
                "name": "review", "title": "Code review", "description": "Review a file",
                "arguments": [
                    ["name": "path", "description": "The file", "required": true],
                    ["name": "focus", "required": false],
                ],
            ]
        )
        #expect(prompts[1] == ["name": "plain", "arguments": []])
        #expect(listing["nextCursor"] == nil)
    }

    @Test(arguments: [ProtocolVersion.v2024_11_05, .v2025_03_26])
    func titlesAreLeftOutBefore20250618(version: ProtocolVersion) throws {
        let listing = try manager.list(params: nil, version: version, pageSize: 50)
        #expect(listing["prompts"]?.arrayValue?.first?["title"] == nil)
        #expect(listing["prompts"]?.arrayValue?.first?["description"] == "Review a file")
    }

    @Test func listPaginatesWithPromptCursors() throws {
        let first = try manager.list(params: nil, version: .latest, pageSize: 2)
        #expect(first["nextCursor"] == "prompts:2")
        let second = try manager.list(params: ["cursor": "prompts:2"], version: .latest, pageSize: 2)
        #expect(second["prompts"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["third"])
        let error = try #require(throws: JSONRPCError.self) {
            try manager.list(params: ["cursor": "tools:2"], version: .latest, pageSize: 2)
        }
        #expect(error.code == JSONRPCError.invalidParamsCode)
    }

    @Test func getRendersTheMessages() throws {
        let result = try manager.get(params: ["name": "review", "arguments": ["path": "a.swift", "focus": "bugs"]])
        #expect(
            result == [
                "description": "Review a file",
                "messages": [
                    ["role": "user", "content": ["type": "text", "text": "Review a.swift for bugs."]],
                    ["role": "assistant", "content": ["type": "text", "text": "Reading a.swift."]],
                ],
            ]
        )
    }

    @Test func getWithoutArgumentsOrDescriptionWorks() throws {
        let result = try manager.get(params: ["name": "plain"])
        #expect(result == ["messages": [["role": "user", "content": ["type": "text", "text": "Hi"]]]])
    }

    @Test func aMissingRequiredArgumentIsInvalidParamsNamingIt() throws {
        let error = try #require(throws: JSONRPCError.self) {
            try manager.get(params: ["name": "review", "arguments": ["focus": "x"]])
        }
        #expect(error.code == JSONRPCError.invalidParamsCode)
        #expect(error.message.contains("\"path\""))
    }

    @Test(arguments: [
        JSONValue.object(["name": "nope"]), ["name": 1], [:],
        ["name": "review", "arguments": ["path": 3]],
        ["name": "review", "arguments": ["path": ["a"]]],
    ])
    func badRequestsAreInvalidParams(params: JSONValue) throws {
        let error = try #require(throws: JSONRPCError.self) { try manager.get(params: params) }
        #expect(error.code == JSONRPCError.invalidParamsCode)
    }

    @Test func completeFiltersTheDeclaredValuesByPrefix() throws {
        #expect(
            try manager.complete(prompt: "review", argument: "path", prefix: "src/") == ["src/a.swift", "src/b.swift"]
        )
        #expect(
            try manager.complete(prompt: "review", argument: "path", prefix: "") == [
                "src/a.swift", "src/b.swift", "README.md",
            ]
        )
        #expect(try manager.complete(prompt: "review", argument: "focus", prefix: "") == [])
    }

    @Test func completeOfAnUnknownPromptOrArgumentIsInvalidParams() throws {
        let unknownPrompt = try #require(throws: JSONRPCError.self) {
            try manager.complete(prompt: "nope", argument: "path", prefix: "")
        }
        #expect(unknownPrompt.code == JSONRPCError.invalidParamsCode)
        let unknownArgument = try #require(throws: JSONRPCError.self) {
            try manager.complete(prompt: "review", argument: "nope", prefix: "")
        }
        #expect(unknownArgument.message.contains("\"nope\""))
    }
}

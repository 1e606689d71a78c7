import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolRegistryTests {
    private static let handler: ToolDefinition.Handler = { _, _ in .text("") }

    private func register(
        _ name: String,
        schema: JSONValue = ["type": "object"],
        output: JSONValue? = nil
    )
        -> ToolRegistry
    {
        var registry = ToolRegistry()
        registry.register(
            name: name,
            description: "d",
            inputSchema: schema,
            outputSchema: output,
            permissions: .public,
            handler: Self.handler
        )
        return registry
    }

    @Test func aValidToolIsRegisteredWithItsSettings() throws {
        var registry = ToolRegistry()
        registry.register(
            name: "git_status",
            title: "Status",
            description: "Show status",
            inputSchema: ["type": "object"],
            annotations: .readOnly,
            permissions: [.systemCommand(pattern: "git")],
            handler: Self.handler
        )
        #expect(registry.problems.isEmpty)
        let tool = try #require(registry.tools.first)
        #expect(tool.name == "git_status")
        #expect(tool.title == "Status")
        #expect(tool.description == "Show status")
        #expect(tool.annotations == .readOnly)
        #expect(tool.permissions == [.systemCommand(pattern: "git")])
    }

    @Test(arguments: ["a", "read_text_file", "git.push", "A-Z_0.9", String(repeating: "x", count: 128)])
    func validNamesAreAccepted(name: String) {
        let registry = register(name)
        #expect(registry.problems.isEmpty)
        #expect(registry.tools.map(\.name) == [name])
    }

    @Test(arguments: [
        "", "has space", "slash/name", "émoji", "semi;colon", "tab\t", String(repeating: "x", count: 129),
    ])
    func badNamesAreProblems(name: String) throws {
        let registry = register(name)
        #expect(registry.tools.isEmpty)
        let problem = try #require(registry.problems.first)
        #expect(problem.contains("1-128 characters"))
    }

    @Test func aDuplicateNameIsAProblemAndTheFirstToolStays() {
        var registry = ToolRegistry()
        registry.register(
            name: "echo",
            description: "first",
            inputSchema: ["type": "object"],
            permissions: .public,
            handler: Self.handler
        )
        registry.register(
            name: "echo",
            description: "second",
            inputSchema: ["type": "object"],
            permissions: .public,
            handler: Self.handler
        )
        #expect(registry.tools.map(\.description) == ["first"])
        #expect(registry.problems == ["tool \"echo\" is registered twice"])
    }

    @Test(arguments: [
        JSONValue.object([:]), ["type": "string"], ["type": ["object"]], "object", .null, ["properties": [:]],
    ])
    func nonObjectInputSchemasAreProblems(schema: JSONValue) throws {
        let registry = register("t", schema: schema)
        #expect(registry.tools.isEmpty)
        #expect(try #require(registry.problems.first).contains("inputSchema must have type object"))
    }

    @Test(arguments: [JSONValue.object([:]), ["type": "array"], "object"])
    func nonObjectOutputSchemasAreProblems(schema: JSONValue) throws {
        let registry = register("t", output: schema)
        #expect(registry.tools.isEmpty)
        #expect(try #require(registry.problems.first).contains("outputSchema must have type object"))
    }

    @Test func registrationOrderIsKeptAndProblemsAccumulate() {
        var registry = ToolRegistry()
        for name in ["b", "bad name", "a", "b", "c"] {
            registry.register(
                name: name,
                description: "d",
                inputSchema: ["type": "object"],
                permissions: .public,
                handler: Self.handler
            )
        }
        #expect(registry.tools.map(\.name) == ["b", "a", "c"])
        #expect(registry.problems.count == 2)
    }

    @Test func aToolThatDeclaresNoPermissionsIsAProblem() {
        var registry = ToolRegistry()
        registry.register(name: "silent", description: "d", inputSchema: ["type": "object"], handler: Self.handler)
        registry.register(
            name: "empty",
            description: "d",
            inputSchema: ["type": "object"],
            permissions: [],
            handler: Self.handler
        )
        #expect(registry.tools.isEmpty)
        #expect(registry.problems.count == 2)
        #expect(registry.problems.allSatisfy { $0.contains("declares no permissions") })
    }
}

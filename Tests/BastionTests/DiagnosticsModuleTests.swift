import BastionProtocol
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct DiagnosticsModuleTests {
    private let module = DiagnosticsModule(serverVersion: "9.9.9")

    private func registered() -> (ToolRegistry, ResourceRegistry) {
        var tools = ToolRegistry()
        var resources = ResourceRegistry()
        module.register(in: &tools)
        module.register(in: &resources)
        return (tools, resources)
    }

    private func run(
        _ name: String,
        _ arguments: [String: JSONValue],
        client: ClientContext
    ) async throws
        -> ToolResult
    {
        let (tools, _) = registered()
        let tool = try #require(tools.tools.first { $0.name == name })
        let call = ToolCall(name: name, arguments: arguments, request: SessionTestSupport.makeContext())
        return try await tool.handler(client, call)
    }

    @Test func itIsNamedDiagnostics() {
        #expect(module.name == "diagnostics")
        #expect(module.serverVersion == "9.9.9")
    }

    @Test func itRegistersItsToolsWithoutProblems() throws {
        let (tools, _) = registered()
        #expect(tools.problems.isEmpty)
        #expect(tools.tools.map(\.name) == ["echo", "sleep", "whoami", "list_workdir"])
        let byName = Dictionary(uniqueKeysWithValues: tools.tools.map { ($0.name, $0) })
        #expect(byName["list_workdir"]?.permissions == [.fileRead(glob: nil)])
        // Needing nothing is said explicitly: a tool that declares nothing is refused.
        for name in ["echo", "sleep", "whoami"] { #expect(byName[name]?.permissions == .public) }
        for tool in tools.tools { #expect(tool.annotations.readOnlyHint == true, "\(tool.name) is read-only") }
        #expect(byName["whoami"]?.outputSchema?["type"] == "object")
    }

    @Test func itRegistersItsResources() {
        let (_, resources) = registered()
        #expect(resources.problems.isEmpty)
        #expect(resources.resources.map(\.uri) == ["bastion://diagnostics/info"])
        #expect(resources.templates.map(\.template.pattern) == ["bastion://diagnostics/echo/{text}"])
    }

    @Test(arguments: ["hello", "", "multi\nline ✓"])
    func echoReturnsItsText(text: String) async throws {
        let result = try await run("echo", ["text": .string(text)], client: SessionTestSupport.makeClient())
        #expect(result == .text(text))
    }

    @Test func echoRefusesExtraArgumentsThroughItsSchema() throws {
        let (tools, _) = registered()
        let echo = try #require(tools.tools.first { $0.name == "echo" })
        #expect(ArgumentValidator.validate(["text": "a", "x": 1], against: echo.inputSchema) != nil)
        #expect(ArgumentValidator.validate([:], against: echo.inputSchema) == "arguments.text is required")
    }

    @Test func sleepOfZeroReturnsAtOnce() async throws {
        let result = try await run("sleep", ["ms": 0], client: SessionTestSupport.makeClient())
        #expect(result == .text("slept 0 ms"))
    }

    @Test func sleepLimitsItsDurationThroughItsSchema() throws {
        let (tools, _) = registered()
        let sleep = try #require(tools.tools.first { $0.name == "sleep" })
        #expect(ArgumentValidator.validate(["ms": 60_001], against: sleep.inputSchema) != nil)
        #expect(ArgumentValidator.validate(["ms": -1], against: sleep.inputSchema) != nil)
        #expect(ArgumentValidator.validate(["ms": 10], against: sleep.inputSchema) == nil)
    }

    @Test func sleepStopsWhenCancelled() async throws {
        let (tools, _) = registered()
        let sleep = try #require(tools.tools.first { $0.name == "sleep" })
        let call = ToolCall(name: "sleep", arguments: ["ms": 60_000], request: SessionTestSupport.makeContext())
        let task = Task { try await sleep.handler(SessionTestSupport.makeClient(), call) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func whoamiDescribesTheCaller() async throws {
        let client = SessionTestSupport.makeClient(
            id: "ada",
            permissions: [.fileRead(glob: nil), .custom(name: "x")],
            workdir: "/w/ada"
        )
        let result = try await run("whoami", [:], client: client)
        #expect(
            result.structuredContent == [
                "client": "ada", "permissions": ["file_read", "custom:x"], "workdir": "/w/ada",
            ]
        )
        #expect(!result.isError)
    }

    @Test func listWorkdirListsDirectoriesThenFilesSorted() async throws {
        let fixture = try FileToolFixture()
        try FileManager.default.createDirectory(atPath: fixture.workdir + "/sub", withIntermediateDirectories: false)
        try fixture.write("b", "b.txt")
        try fixture.write("a", "a.txt")
        let result = try await run("list_workdir", [:], client: fixture.client)
        #expect(result == .text("[DIR] sub\n[FILE] a.txt\n[FILE] b.txt"))
    }

    @Test func listWorkdirHidesWhatTheClientsDenyRulesHide() async throws {
        let fixture = try FileToolFixture(deny: ["**/.env", "**/private"])
        try FileManager.default.createDirectory(
            atPath: fixture.workdir + "/private",
            withIntermediateDirectories: false
        )
        try fixture.write("TOKEN=x", ".env")
        try fixture.write("a", "a.txt")
        let result = try await run("list_workdir", [:], client: fixture.client)
        #expect(result == .text("[FILE] a.txt\n[2 entries hidden by this client's deny rules]"))
    }

    @Test func listWorkdirOfAnEmptyDirectorySaysSo() async throws {
        let fixture = try FileToolFixture()
        let result = try await run("list_workdir", [:], client: fixture.client)
        #expect(result == .text("(empty)"))
    }

    @Test func listWorkdirOfAMissingDirectoryIsAToolError() async throws {
        let fixture = try FileToolFixture()
        try FileManager.default.removeItem(atPath: fixture.workdir)
        let error = await #expect(throws: ToolError.self) {
            try await run("list_workdir", [:], client: fixture.client)
        }
        #expect(error?.message.contains(fixture.workdir) == true)
    }

    @Test func theInfoResourceNamesTheVersionAndClient() async throws {
        let (_, resources) = registered()
        let info = try #require(resources.resources.first)
        let contents = try await info.read(SessionTestSupport.makeClient(id: "ada"))
        guard case .text(let uri, let mimeType, let text)? = contents.first else {
            Issue.record("expected text contents, got \(contents)")
            return
        }
        #expect(uri == "bastion://diagnostics/info")
        #expect(mimeType == "application/json")
        #expect(try JSONParser.parse(text) == ["server": "bastion", "version": "9.9.9", "client": "ada"])
    }

    @Test func theEchoTemplateReturnsItsVariableAndCompletes() async throws {
        let (_, resources) = registered()
        let template = try #require(resources.templates.first)
        let uri = "bastion://diagnostics/echo/hi%21"
        let variables = try #require(template.template.match(uri))
        let contents = try await template.read(SessionTestSupport.makeClient(), uri, variables)
        #expect(contents == [.text(uri: uri, mimeType: "text/plain", text: "hi!")])
        #expect(template.complete?("text", "hel") == ["hello", "help"])
        #expect(template.complete?("text", "") == ["hello", "help", "world"])
    }
}

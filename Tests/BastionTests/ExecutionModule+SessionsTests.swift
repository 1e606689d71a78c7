import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

final class ExecutionModuleSessionsTests {
    private let scratch: ScratchDirectory

    init() throws {
        scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("work"), withIntermediateDirectories: false)
    }

    private func tools() -> [String: ToolDefinition] {
        var registry = ToolRegistry()
        let standIn = ExecutionModuleTests.standIn
        ExecutionModule {
            ExecutionManager(launcher: SandboxLauncher(executable: standIn, arguments: [standIn, "sandbox-exec"]))
        }.register(in: &registry)
        #expect(registry.problems.isEmpty)
        return Dictionary(uniqueKeysWithValues: registry.tools.map { ($0.name, $0) })
    }

    private func client(_ permissions: [Permission], id: String = "c", readOnly: Bool = false) throws -> ClientContext {
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: [
                id: .init(
                    permissions: permissions,
                    isReadOnly: readOnly,
                    workdir: scratch.file("work"),
                    home: scratch.file("work")
                )
            ]
        )
        return ClientContext(
            identity: ClientIdentity(clientID: id, transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: scratch.file("work"),
            limits: ResourceLimits(),
            rules: rules
        )
    }

    static let names = [
        "start_process", "read_process_output", "write_process_input", "kill_process", "list_processes",
    ]

    @Test func eitherGrantOffersTheSessionToolsAndReadOnlyNone() throws {
        let tools = tools()
        for name in Self.names {
            let tool = try #require(tools[name])
            #expect(ToolManager.check(try client([.codeExecution(unrestricted: false)]), tool).isAllowed)
            #expect(ToolManager.check(try client([.systemCommand(pattern: "python3")]), tool).isAllowed)
            #expect(!ToolManager.check(try client([.fileRead(glob: nil)]), tool).isAllowed)
            let reader = try client(
                [.codeExecution(unrestricted: false), .systemCommand(pattern: "*")],
                readOnly: true
            )
            #expect(!ToolManager.check(reader, tool).isAllowed)
        }
        #expect(tools["read_process_output"]?.annotations.readOnlyHint == true)
        #expect(tools["list_processes"]?.annotations.readOnlyHint == true)
        #expect(tools["start_process"]?.annotations.destructiveHint == true)
    }

    @Test func aSessionIsDrivenCallByCallAndHiddenFromAnotherMCPSession() async throws {
        let tools = tools()
        let coder = try client([.codeExecution(unrestricted: false)])
        let request = SessionTestSupport.makeContext()
        let start = try #require(tools["start_process"])
        let started = try await start.handler(
            coder,
            ToolCall(
                name: "start_process",
                arguments: ["language": "sh", "code": "read l; echo got:$l"],
                request: request
            )
        )
        let id = try #require(started.structuredContent?["sessionId"]?.stringValue)
        #expect(request.annotations["execution"]?["processSession"] == .string(id))
        let write = try #require(tools["write_process_input"])
        _ = try await write.handler(
            coder,
            ToolCall(
                name: "write_process_input",
                arguments: ["sessionId": .string(id), "input": "x\n"],
                request: request
            )
        )
        #expect(request.annotations["args"]?["input"] == "<2 bytes>")
        let read = try #require(tools["read_process_output"])
        var seen = ""
        for _ in 0..<20 where !seen.contains("got:x") {
            let result = try await read.handler(
                coder,
                ToolCall(
                    name: "read_process_output",
                    arguments: ["sessionId": .string(id), "timeout_ms": 500],
                    request: request
                )
            )
            seen += result.structuredContent?["stdout"]?.stringValue ?? ""
        }
        #expect(seen == "got:x\n")
        // Another client in the same MCP session id (the test support's) sees nothing of it.
        let stranger = try client([.codeExecution(unrestricted: false)], id: "d")
        let elsewhere = SessionTestSupport.makeContext()
        await #expect(throws: ToolError.self) {
            _ = try await read.handler(
                stranger,
                ToolCall(name: "read_process_output", arguments: ["sessionId": .string(id)], request: elsewhere)
            )
        }
        let list = try #require(tools["list_processes"])
        let listed = try await list.handler(
            stranger,
            ToolCall(name: "list_processes", arguments: [:], request: elsewhere)
        )
        let own = try await list.handler(coder, ToolCall(name: "list_processes", arguments: [:], request: elsewhere))
        #expect(own.structuredContent?["sessions"]?.arrayValue?.count == 1)
        // The same client in another MCP session sees nothing of it either.
        let otherSession = MCPSession(
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "bastion-test", version: "0.0.1"),
                capabilities: ServerRuntime.capabilities
            ),
            router: RequestRouter(),
            sink: RecordingSink(),
            observer: NullObserver(),
            id: "s-other",
            logger: SessionTestSupport.quietLogger
        )
        SessionTestSupport.initialize(otherSession, version: .latest)
        let later = RequestContext(id: .int(2), method: "tools/call", params: nil, session: otherSession)
        await #expect(throws: ToolError.self) {
            _ = try await read.handler(
                coder,
                ToolCall(name: "read_process_output", arguments: ["sessionId": .string(id)], request: later)
            )
        }
        let none = try await list.handler(coder, ToolCall(name: "list_processes", arguments: [:], request: later))
        #expect(none.structuredContent?["sessions"] == [])
        #expect(listed.structuredContent?["sessions"] == [])
    }

    @Test func theRequestsOfAStatelessTransportShareTheirClientsProcessSessions() throws {
        let coder = try client([.codeExecution(unrestricted: false)])
        func call(in session: MCPSession) -> ToolCall {
            ToolCall(
                name: "list_processes",
                arguments: [:],
                request: RequestContext(id: .int(1), method: "tools/call", params: nil, session: session)
            )
        }
        func exchange(_ id: String) -> MCPSession {
            MCPExchange(
                headers: MCPRequestHeaders([]),
                configuration: MCPSession.Configuration(
                    identity: ServerIdentity(name: "bastion-test", version: "0.0.1"),
                    capabilities: ServerRuntime.capabilities
                ),
                router: RequestRouter(),
                observer: NullObserver(),
                id: id,
                logger: SessionTestSupport.quietLogger
            ).session
        }
        // start_process in one POST, read_process_output in the next: the same owner.
        let first = ExecutionModule.owner(coder, call(in: exchange("x-1")))
        #expect(first == ExecutionModule.owner(coder, call(in: exchange("x-2"))))
        #expect(first.session == MCPExchange.sharedScope)
        // A connection's stay its own.
        let connection = SessionTestSupport.makeContext()
        #expect(ExecutionModule.owner(coder, call(in: connection.session)).session == connection.session.id)
    }

    @Test func bothFormsAtOnceOrNeitherAreRefused() async throws {
        let start = try #require(tools()["start_process"])
        let coder = try client([.codeExecution(unrestricted: false), .systemCommand(pattern: "sh")])
        for arguments: [String: JSONValue] in [[:], ["command": ["sh"], "code": "true", "language": "sh"]] {
            await #expect(throws: ToolError.self) {
                _ = try await start.handler(
                    coder,
                    ToolCall(name: "start_process", arguments: arguments, request: SessionTestSupport.makeContext())
                )
            }
        }
    }

    @Test func theSummaryShowsTheArgvOrTheLanguage() {
        #expect(ExecutionModule.summary(ExecutionRequest(program: .command(["python3", "-i"]))) == "python3 -i")
        #expect(
            ExecutionModule.summary(ExecutionRequest(program: .code(language: "sh", source: "true")))
                == "sh code (4 bytes)"
        )
        let long = ExecutionModule.summary(
            ExecutionRequest(program: .command(Array(repeating: "argument", count: 100)))
        )
        #expect(long.count == 201 && long.hasSuffix("…"))
    }
}

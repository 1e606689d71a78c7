import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Synchronization
import Testing

@testable import Bastion

final class ExecutionModuleTests {
    /// The test stand-in for `sandbox-exec` (applies no isolation), found from this file's path.
    static var standIn: String {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return tests.deletingLastPathComponent().appendingPathComponent("tests/interop/fixtures/fake_sandbox_exec.py").path
    }

    private func module() -> ExecutionModule {
        let standIn = Self.standIn
        return ExecutionModule {
            ExecutionManager(launcher: SandboxLauncher(executable: standIn, arguments: [standIn, "sandbox-exec"]))
        }
    }

    private func tools(of module: ExecutionModule? = nil) -> [String: ToolDefinition] {
        var registry = ToolRegistry()
        (module ?? self.module()).register(in: &registry)
        #expect(registry.problems.isEmpty)
        return Dictionary(uniqueKeysWithValues: registry.tools.map { ($0.name, $0) })
    }

    private let scratch: ScratchDirectory

    init() throws {
        scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("work"), withIntermediateDirectories: false)
    }

    private func client(_ permissions: [Permission], readOnly: Bool = false) throws -> ClientContext {
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: [
                "c": .init(permissions: permissions, isReadOnly: readOnly, workdir: scratch.file("work"), home: scratch.file("work"))
            ]
        )
        let client = ClientContext(
            identity: ClientIdentity(clientID: "c", transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: scratch.file("work"),
            limits: ResourceLimits(),
            rules: rules
        )
        return client
    }

    @Test func runCommandNeedsASystemCommandGrantAndRunCodeCodeExecution() throws {
        let tools = tools()
        let run = try #require(tools["run_command"])
        let code = try #require(tools["run_code"])
        let coder = try client([.codeExecution(unrestricted: false)])
        #expect(!ToolManager.check(coder, run).isAllowed)
        #expect(ToolManager.check(coder, code).isAllowed)
        let echoer = try client([.systemCommand(pattern: "echo")])
        #expect(ToolManager.check(echoer, run).isAllowed)
        #expect(!ToolManager.check(echoer, code).isAllowed)
        let reader = try client([.codeExecution(unrestricted: false), .systemCommand(pattern: "*")], readOnly: true)
        #expect(!ToolManager.check(reader, run).isAllowed)
        #expect(!ToolManager.check(reader, code).isAllowed)
    }

    @Test func theAnnotationsSayTheToolsChangeThingsAndMayReachOut() throws {
        for tool in tools().values where ["run_command", "run_code"].contains(tool.name) {
            #expect(tool.annotations.readOnlyHint == false)
            #expect(tool.annotations.destructiveHint == true)
            #expect(tool.annotations.openWorldHint == true)
            #expect(tool.outputSchema?["required"]?.arrayValue?.contains("exitCode") == true)
        }
    }

    @Test func runCommandReturnsStructuredContentAndAnnotatesTheAuditRecord() async throws {
        let tool = try #require(tools()["run_command"])
        let echoer = try client([.systemCommand(pattern: "echo")])
        let request = SessionTestSupport.makeContext()
        let result = try await tool.handler(
            echoer,
            ToolCall(name: "run_command", arguments: ["command": ["echo", "--token", "s3cr3t", "hi"]], request: request)
        )
        #expect(result.isError == false)
        #expect(result.structuredContent?["stdout"] == "--token s3cr3t hi\n")
        #expect(result.structuredContent?["exitCode"] == 0)
        let execution = try #require(request.annotations["execution"])
        #expect(execution["exitCode"] == 0)
        #expect(!JSONWriter.string(execution).contains("s3cr3t"))
    }

    @Test func aDeniedCommandIsAToolErrorCarryingTheDenial() async throws {
        let tool = try #require(tools()["run_command"])
        let echoer = try client([.systemCommand(pattern: "echo")])
        let request = SessionTestSupport.makeContext()
        do {
            _ = try await tool.handler(echoer, ToolCall(name: "run_command", arguments: ["command": ["rm", "x"]], request: request))
            Issue.record("rm ran")
        } catch let error as ToolError {
            #expect(error.denial?.permission.hasPrefix("system_command:") == true)
            #expect(request.annotations["execution"]?["refused"] == "denied")
        }
    }

    @Test func runCodeRecordsTheDigestNotTheCode() async throws {
        let tool = try #require(tools()["run_code"])
        let coder = try client([.codeExecution(unrestricted: false)])
        let request = SessionTestSupport.makeContext()
        let result = try await tool.handler(
            coder,
            ToolCall(name: "run_code", arguments: ["language": "sh", "code": "echo secret-code-marker >/dev/null"], request: request)
        )
        #expect(result.structuredContent?["exitCode"] == 0)
        let record = JSONWriter.string(.object(request.annotations))
        #expect(!record.contains("secret-code-marker"))
        #expect(request.annotations["execution"]?["codeSha256"]?.stringValue?.utf8.count == 64)
    }

    @Test func shutdownRefusesEveryLaterRun() async throws {
        let module = module()
        let tool = try #require(tools(of: module)["run_command"])
        let echoer = try client([.systemCommand(pattern: "echo")])
        let before = try await tool.handler(
            echoer, ToolCall(name: "run_command", arguments: ["command": ["echo", "hi"]], request: SessionTestSupport.makeContext())
        )
        #expect(before.isError == false)
        await module.shutdown()
        let after = try? await tool.handler(
            echoer, ToolCall(name: "run_command", arguments: ["command": ["echo", "hi"]], request: SessionTestSupport.makeContext())
        )
        #expect(after?.isError != false)
        #expect(after.map { JSONWriter.string($0.structuredContent ?? .null) }?.contains("hi\\n") != true)
    }

    @Test func shutdownBeforeAnyRunCreatesNoManager() async {
        let made = Mutex(false)
        let module = ExecutionModule {
            made.withLock { $0 = true }
            return ExecutionManager()
        }
        await module.shutdown()
        #expect(made.withLock { $0 } == false)
    }
}

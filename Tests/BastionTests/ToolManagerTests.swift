import BastionProtocol
import BastionResources
import BastionSecurity
import Synchronization
import Testing

@testable import Bastion

/// A sandbox that refuses one tool by name.
private struct RefusingSandbox: SandboxValidator {
    var refusedTool: String
    func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String? {
        tool == refusedTool ? "the workdir is gone" : nil
    }
}

/// How many times a tool ran.
private final class RunCounter: Sendable {
    let count = Mutex(0)
}

private struct InternalFailure: Error, CustomStringConvertible {
    var description: String { "database password is hunter2" }
}

struct ToolManagerTests {
    static let echoSchema: JSONValue = [
        "type": "object", "properties": ["text": ["type": "string"]], "required": ["text"],
        "additionalProperties": false,
    ]

    static let tools: [ToolDefinition] = [
        ToolFixtures.tool("echo", schema: echoSchema) { _, call in .text(call.string("text") ?? "") },
        ToolFixtures.tool("write_file", permissions: [.fileWrite(glob: nil)]),
        ToolFixtures.tool("read_file", permissions: .checkedPerCall(.fileRead)),
        ToolFixtures.tool("run", permissions: [.codeExecution(unrestricted: true)]),
        ToolFixtures.tool("fails") { _, _ in throw ToolError("no such file: a.txt") },
        ToolFixtures.tool("crashes") { _, _ in throw InternalFailure() },
        ToolFixtures.tool("cancelled") { _, _ in throw CancellationError() },
        ToolFixtures.tool("whoami") { client, _ in .structured(["client": .string(client.id)]) },
        ToolFixtures.tool("refuses") { _, _ in
            throw ToolError("Permission denied: reading \"/etc/shadow\"", denial: ToolManagerTests.shadowDenial)
        },
        ToolFixtures.tool("partly") { _, _ in
            var result = ToolResult.text("one file of two")
            result.denial = ToolManagerTests.shadowDenial
            return result
        },
    ]

    static let shadowDenial = PermissionDenial(
        permission: "file_read:/etc/shadow",
        target: "/etc/shadow",
        rule: .missingGrant
    )

    private func makeManager(
        sandbox: any SandboxValidator = RefusingSandbox(refusedTool: "none"),
        log: CapturingLogHandler? = nil
    ) -> ToolManager {
        let logger = log.map(SessionTestSupport.logger(into:)) ?? SessionTestSupport.quietLogger
        return ToolManager(tools: Self.tools, sandbox: sandbox, logger: logger)
    }

    private func call(
        _ manager: ToolManager,
        _ params: JSONValue,
        client: ClientContext = SessionTestSupport.makeClient(),
        version: ProtocolVersion = .latest
    ) async throws(JSONRPCError) -> (JSONValue, RequestContext) {
        let context = SessionTestSupport.makeContext(version: version, params: params)
        let result = try await manager.call(params: params, client: client, context: context, version: version)
        return (result, context)
    }

    @Test func visibleToolsAreFilteredByPermissions() {
        let manager = makeManager()
        // read_file checks each path, so any read grant shows it.
        let reader = SessionTestSupport.makeClient(permissions: [.fileRead(glob: "/srv/**")])
        #expect(
            manager.visibleTools(for: reader).map(\.name) == [
                "echo", "read_file", "fails", "crashes", "cancelled", "whoami", "refuses", "partly",
            ]
        )
        // write_file needs write access to the whole workdir.
        let narrow = SessionTestSupport.makeClient(permissions: [.fileWrite(glob: "out/**")])
        #expect(!manager.visibleTools(for: narrow).map(\.name).contains("write_file"))
        let runner = SessionTestSupport.makeClient(permissions: [
            .codeExecution(unrestricted: false), .fileWrite(glob: nil),
        ])
        #expect(!manager.visibleTools(for: runner).map(\.name).contains("run"))
        #expect(manager.visibleTools(for: runner).map(\.name).contains("write_file"))
    }

    /// A module's tools with patterns, a read-only and a writing tool, and one that declares nothing.
    static let moduleTools: [ToolDefinition] = [
        ToolFixtures.tool("git_log", annotations: .readOnly, permissions: [.systemCommand(pattern: "git")]),
        ToolFixtures.tool("workdir_tree", annotations: .readOnly, permissions: [.fileRead(glob: nil)]),
        ToolFixtures.tool("inspect", annotations: .readOnly, permissions: .public),
        ToolFixtures.tool("touch", permissions: .public),
        // Built without the registry, which refuses it.
        ToolDefinition(
            name: "undeclared",
            description: "declares nothing",
            inputSchema: ["type": "object"],
            annotations: .readOnly,
            permissions: .undeclared,
            isNonBlocking: true,
            handler: { _, _ in .text("ran") }
        ),
    ]

    private func makeModuleManager() -> ToolManager {
        ToolManager(
            tools: Self.moduleTools,
            sandbox: RefusingSandbox(refusedTool: "none"),
            logger: SessionTestSupport.quietLogger
        )
    }

    /// A client whose rules come from a permission manager, so `read_only` is known.
    private func configuredClient(_ permissions: [Permission], readOnly: Bool = false) throws -> ClientContext {
        let rules = try PermissionManager(
            protectedPaths: [],
            rules: [
                "c": .init(
                    permissions: permissions,
                    isReadOnly: readOnly,
                    workdir: "/nonexistent/w",
                    home: "/nonexistent"
                )
            ]
        )
        return ClientContext(
            identity: ClientIdentity(clientID: "c", transport: "stdio", method: .stdioProcess),
            permissions: permissions,
            workdir: "/nonexistent/w",
            limits: ResourceLimits(),
            rules: rules
        )
    }

    @Test func aCommandRequirementIsMatchedAgainstTheGrantedPattern() async throws {
        let manager = makeModuleManager()
        let ls = SessionTestSupport.makeClient(permissions: [.systemCommand(pattern: "ls")])
        #expect(!manager.visibleTools(for: ls).map(\.name).contains("git_log"))
        let (denied, context) = try await call(manager, ["name": "git_log"], client: ls)
        #expect(denied["isError"] == true)
        #expect(SessionTestSupport.firstText(denied)?.contains("system_command:git") == true)
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["permission"] == "system_command:git")
        let git = SessionTestSupport.makeClient(permissions: [.systemCommand(pattern: "git")])
        #expect(manager.visibleTools(for: git).map(\.name).contains("git_log"))
        let (allowed, _) = try await call(manager, ["name": "git_log"], client: git)
        #expect(allowed["isError"] == nil)
    }

    @Test func aWorkdirRequirementIsNotMetByAGrantElsewhere() async throws {
        let manager = makeModuleManager()
        let elsewhere = SessionTestSupport.makeClient(permissions: [.fileRead(glob: "/srv/**")])
        #expect(!manager.visibleTools(for: elsewhere).map(\.name).contains("workdir_tree"))
        let (denied, _) = try await call(manager, ["name": "workdir_tree"], client: elsewhere)
        #expect(denied["isError"] == true)
        let reader = SessionTestSupport.makeClient(permissions: [.fileRead(glob: nil)])
        #expect(manager.visibleTools(for: reader).map(\.name).contains("workdir_tree"))
    }

    @Test func aToolThatDeclaresNothingIsInvisibleAndRefusedToEveryone() async throws {
        let manager = makeModuleManager()
        let everything = SessionTestSupport.makeClient(permissions: [
            .fileRead(glob: "/**"), .fileWrite(glob: "/**"), .codeExecutionSudo, .systemCommand(pattern: "*"),
        ])
        #expect(!manager.visibleTools(for: everything).map(\.name).contains("undeclared"))
        let (denied, context) = try await call(manager, ["name": "undeclared"], client: everything)
        #expect(denied["isError"] == true)
        #expect(SessionTestSupport.firstText(denied)?.contains("declares no permissions") == true)
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["outcome"] != "ok")
    }

    @Test func aReadOnlyClientSeesAndCallsOnlyToolsAnnotatedReadOnly() async throws {
        let manager = makeModuleManager()
        let readOnly = try configuredClient([.fileRead(glob: nil), .systemCommand(pattern: "git")], readOnly: true)
        #expect(manager.visibleTools(for: readOnly).map(\.name) == ["workdir_tree", "inspect"])
        let (denied, _) = try await call(manager, ["name": "touch"], client: readOnly)
        #expect(denied["isError"] == true)
        #expect(SessionTestSupport.firstText(denied)?.contains("read_only") == true)
        let writer = try configuredClient([.fileRead(glob: nil)])
        #expect(manager.visibleTools(for: writer).map(\.name) == ["workdir_tree", "inspect", "touch"])
    }

    @Test func listShowsOnlyVisibleToolsForTheVersion() throws {
        let manager = makeManager()
        let client = SessionTestSupport.makeClient(permissions: [.fileWrite(glob: nil)])
        let listing = try manager.list(params: nil, client: client, version: .v2024_11_05, pageSize: 50)
        let names = try #require(listing["tools"]?.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(names == ["echo", "write_file", "fails", "crashes", "cancelled", "whoami", "refuses", "partly"])
        #expect(listing["nextCursor"] == nil)
    }

    @Test func listPaginates() throws {
        let manager = makeManager()
        let client = SessionTestSupport.makeClient()
        let first = try manager.list(params: nil, client: client, version: .latest, pageSize: 4)
        #expect(first["tools"]?.arrayValue?.count == 4)
        let cursor = try #require(first["nextCursor"])
        let second = try manager.list(params: ["cursor": cursor], client: client, version: .latest, pageSize: 4)
        #expect(second["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["whoami", "refuses", "partly"])
        #expect(second["nextCursor"] == nil)
    }

    @Test func anUnknownToolIsInvalidParams() async throws {
        let error = await #expect(throws: JSONRPCError.self) {
            try await call(makeManager(), ["name": "nope", "arguments": [:]])
        }
        #expect(error?.code == JSONRPCError.invalidParamsCode)
        #expect(error?.message.contains("\"nope\"") == true)
    }

    @Test(arguments: [JSONValue.object([:]), ["name": 3], ["arguments": [:]]])
    func aMissingOrNonStringNameIsInvalidParams(params: JSONValue) async throws {
        let error = await #expect(throws: JSONRPCError.self) { try await call(makeManager(), params) }
        #expect(error?.code == JSONRPCError.invalidParamsCode)
    }

    @Test func aDenialIsAnErrorResultNamingTheMissingPermission() async throws {
        let client = SessionTestSupport.makeClient(permissions: [.fileRead(glob: nil)])
        let (result, context) = try await call(makeManager(), ["name": "write_file", "arguments": [:]], client: client)
        #expect(result["isError"] == true)
        let text = try #require(SessionTestSupport.firstText(result))
        #expect(text.contains("file_write"))
        #expect(text.contains("write_file"))
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["permission"] == "file_write")
        #expect(context.annotations["tool"] == "write_file")
    }

    @Test func aToolLevelDenialRecordsItsRedactedArgumentsAndSaysDenied() async throws {
        let client = SessionTestSupport.makeClient(permissions: [.fileRead(glob: nil)])
        let params: JSONValue = [
            "name": "write_file", "arguments": ["path": "a.txt", "content": "secret", "api_token": "t0k"],
        ]
        let (_, context) = try await call(makeManager(), params, client: client)
        #expect(context.annotations["outcome"] == "denied")
        #expect(context.annotations["args"] == ["path": "a.txt", "content": "<6 bytes>", "api_token": "<redacted>"])
    }

    @Test func aToolLevelDenialWithoutArgumentsRecordsAnEmptyObject() async throws {
        let client = SessionTestSupport.makeClient(permissions: [.fileRead(glob: nil)])
        let (_, context) = try await call(makeManager(), ["name": "write_file"], client: client)
        #expect(context.annotations["args"] == .object([:]))
    }

    @Test func aPathRefusedInsideTheCallIsRecordedAsADenial() async throws {
        let (result, context) = try await call(makeManager(), ["name": "refuses", "arguments": [:]])
        #expect(result["isError"] == true)
        #expect(SessionTestSupport.firstText(result)?.contains("/etc/shadow") == true)
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["permission"] == "file_read:/etc/shadow")
        #expect(context.annotations["path"] == "/etc/shadow")
        #expect(context.annotations["rule"] == "no-grant")
        #expect(context.annotations["outcome"] == "denied")
    }

    @Test func aPartlyRefusedCallIsADenialWithAPartialOutcome() async throws {
        let (result, context) = try await call(makeManager(), ["name": "partly", "arguments": [:]])
        #expect(result["isError"] == nil)
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["outcome"] == "partial")
    }

    @Test func aPlainToolErrorStaysAnAllowedCallWithAnErrorOutcome() async throws {
        let (_, context) = try await call(makeManager(), ["name": "fails", "arguments": [:]])
        #expect(context.annotations["decision"] == "allow")
        #expect(context.annotations["outcome"] == "error")
        #expect(context.annotations["path"] == nil)
    }

    @Test func anUnrestrictedNeedIsDeniedToARestrictedGrant() async throws {
        let client = SessionTestSupport.makeClient(permissions: [.codeExecution(unrestricted: false)])
        let (result, context) = try await call(makeManager(), ["name": "run"], client: client)
        #expect(result["isError"] == true)
        #expect(context.annotations["permission"] == "code_execution:unrestricted")
    }

    @Test func anAllowedCallRunsTheHandlerAndIsAnnotated() async throws {
        let (result, context) = try await call(makeManager(), ["name": "echo", "arguments": ["text": "hello"]])
        #expect(result == ["content": [["type": "text", "text": "hello"]]])
        #expect(context.annotations["decision"] == "allow")
        #expect(context.annotations["outcome"] == "ok")
        #expect(context.annotations["args"] == ["text": "hello"])
    }

    @Test func auditedArgumentsAreRedacted() async throws {
        let tool = ToolFixtures.tool("login")
        let manager = ToolManager(
            tools: [tool],
            sandbox: RefusingSandbox(refusedTool: "none"),
            logger: SessionTestSupport.quietLogger
        )
        let (_, context) = try await call(manager, ["name": "login", "arguments": ["user": "ada", "password": "pw"]])
        #expect(context.annotations["args"] == ["user": "ada", "password": "<redacted>"])
    }

    @Test(arguments: [ProtocolVersion.v2024_11_05, .v2025_03_26, .v2025_06_18])
    func invalidArgumentsAreInvalidParamsUpTo20250618(version: ProtocolVersion) async throws {
        let error = await #expect(throws: JSONRPCError.self) {
            try await call(makeManager(), ["name": "echo", "arguments": ["text": 5]], version: version)
        }
        #expect(error?.code == JSONRPCError.invalidParamsCode)
        #expect(error?.message.contains("arguments.text must be string") == true)
    }

    @Test func invalidArgumentsAreAnErrorResultFrom20251125() async throws {
        let (result, context) = try await call(
            makeManager(),
            ["name": "echo", "arguments": ["text": 5]],
            version: .v2025_11_25
        )
        #expect(result["isError"] == true)
        let text = try #require(SessionTestSupport.firstText(result))
        #expect(text.contains("Invalid arguments for tool \"echo\""))
        #expect(text.contains("arguments.text must be string, not integer"))
        #expect(context.annotations["outcome"] == "invalid-arguments")
    }

    @Test func nonObjectArgumentsAreInvalid() async throws {
        let (result, _) = try await call(makeManager(), ["name": "echo", "arguments": [1]], version: .v2025_11_25)
        #expect(result["isError"] == true)
        #expect(SessionTestSupport.firstText(result)?.contains("arguments must be an object") == true)
    }

    @Test func missingArgumentsCountAsAnEmptyObject() async throws {
        let (result, _) = try await call(makeManager(), ["name": "whoami"])
        #expect(result["isError"] == nil, "\(result)")
        #expect(result["structuredContent"] == ["client": "claude"])
    }

    @Test
    func nullArgumentsCountAsAnEmptyObject() async throws {
        let (result, _) = try await call(makeManager(), ["name": "whoami", "arguments": .null])
        #expect(result["isError"] == nil, "\(result)")
        #expect(result["structuredContent"] == ["client": "claude"])
    }

    @Test func aToolErrorBecomesAnErrorResultWithItsMessage() async throws {
        let (result, context) = try await call(makeManager(), ["name": "fails"])
        #expect(result == ["content": [["type": "text", "text": "no such file: a.txt"]], "isError": true])
        #expect(context.annotations["outcome"] == "error")
    }

    @Test func anyOtherErrorIsReportedGenericallyAndLogged() async throws {
        let log = CapturingLogHandler()
        let (result, _) = try await call(makeManager(log: log), ["name": "crashes"])
        #expect(result["isError"] == true)
        let text = try #require(SessionTestSupport.firstText(result))
        #expect(text == "The tool \"crashes\" failed with an internal error")
        #expect(!text.contains("hunter2"))
        #expect(log.lines.contains { $0.contains("hunter2") && $0.contains("crashes") })
    }

    @Test func cancellationIsAnErrorResult() async throws {
        let (result, _) = try await call(makeManager(), ["name": "cancelled"])
        #expect(result["isError"] == true)
        #expect(SessionTestSupport.firstText(result) == "The call was cancelled")
    }

    @Test func aSandboxRefusalIsAnErrorResultAndTheHandlerDoesNotRun() async throws {
        let manager = makeManager(sandbox: RefusingSandbox(refusedTool: "echo"))
        let (result, context) = try await call(manager, ["name": "echo", "arguments": ["text": "x"]])
        #expect(result == ["content": [["type": "text", "text": "Refused: the workdir is gone"]], "isError": true])
        #expect(context.annotations["outcome"] == "sandbox-refused")
    }

    @Test func theResultIsShapedForTheVersion() async throws {
        let (old, _) = try await call(makeManager(), ["name": "whoami"], version: .v2025_03_26)
        #expect(old["structuredContent"] == nil)
        let (new, _) = try await call(makeManager(), ["name": "whoami"], version: .v2025_06_18)
        #expect(new["structuredContent"] == ["client": "claude"])
    }

    /// A manager whose "counted" tool counts its runs, with approvals by `policy` on `channel`; the
    /// local operator (simulated) answers every request with `answer`.
    private func makeApprovingManager(
        _ policy: ApprovalPolicy,
        channel: ApprovalChannel = .local,
        answer: PendingApprovals.Answer = .allowed,
        directory: String
    ) -> (ToolManager, RunCounter) {
        let runs = RunCounter()
        let box = Mutex<ApprovalManager?>(nil)
        let approvals = ApprovalManager(
            clients: [ClientConfiguration(id: "claude", workdir: "/x", approval: policy, approvalChannel: channel)],
            directory: directory,
            logger: SessionTestSupport.quietLogger,
            onPending: { request in box.withLock { $0 }?.pending.resolve(id: request.id, with: answer) }
        )
        box.withLock { $0 = approvals }
        let tools = [
            ToolFixtures.tool("counted", annotations: ToolAnnotations(destructiveHint: true)) { _, _ in
                runs.count.withLock { $0 += 1 }
                return .text("ran")
            },
            ToolFixtures.tool("peek", annotations: .readOnly) { _, _ in .text("looked") },
            ToolFixtures.tool("guarded", permissions: [.fileWrite(glob: nil)]),
        ]
        let manager = ToolManager(
            tools: tools,
            sandbox: RefusingSandbox(refusedTool: "none"),
            approvals: approvals,
            logger: SessionTestSupport.quietLogger
        )
        return (manager, runs)
    }

    @Test func anApprovedCallRuns() async throws {
        let scratch = try ScratchDirectory()
        let (manager, runs) = makeApprovingManager(.always, directory: scratch.file("approvals"))
        defer { manager.approvals?.shutdown() }
        let (result, context) = try await call(manager, ["name": "counted"])
        #expect(SessionTestSupport.firstText(result) == "ran")
        #expect(runs.count.withLock { $0 } == 1)
        #expect(context.annotations["approval"] == "allowed")
        #expect(context.annotations["outcome"] == "ok")
    }

    @Test func aRefusedCallDoesNotRunAndSaysWhy() async throws {
        let scratch = try ScratchDirectory()
        let (manager, runs) = makeApprovingManager(
            .always,
            answer: .denied(reason: nil),
            directory: scratch.file("approvals")
        )
        defer { manager.approvals?.shutdown() }
        let (result, context) = try await call(manager, ["name": "counted"])
        #expect(result["isError"] == true)
        #expect(SessionTestSupport.firstText(result) == "The call to counted was not approved: denied by the operator")
        #expect(runs.count.withLock { $0 } == 0)
        #expect(context.annotations["outcome"] == "not-approved")
    }

    @Test func theClientChannelWithoutElicitationFailsClosed() async throws {
        let scratch = try ScratchDirectory()
        let (manager, runs) = makeApprovingManager(.always, channel: .client, directory: scratch.file("approvals"))
        let (result, context) = try await call(manager, ["name": "counted"])
        #expect(result["isError"] == true)
        #expect(SessionTestSupport.firstText(result)?.contains("did not declare") == true)
        #expect(runs.count.withLock { $0 } == 0)
        #expect(context.annotations["approval"] == "unavailable")
        #expect(context.annotations["approval_channel"] == "client")
    }

    @Test func theDestructivePolicyLetsReadOnlyToolsRunUnasked() async throws {
        let scratch = try ScratchDirectory()
        let (manager, _) = makeApprovingManager(
            .destructive,
            answer: .denied(reason: nil),
            directory: scratch.file("approvals")
        )
        let (peek, context) = try await call(manager, ["name": "peek"])
        #expect(SessionTestSupport.firstText(peek) == "looked")
        #expect(context.annotations["approval"] == nil)
        let (counted, _) = try await call(manager, ["name": "counted"])
        #expect(counted["isError"] == true)
        manager.approvals?.shutdown()
    }

    @Test func aCallThePermissionsDenyIsNeverPutToAPerson() async throws {
        let scratch = try ScratchDirectory()
        let (manager, _) = makeApprovingManager(.always, directory: scratch.file("approvals"))
        let (result, context) = try await call(manager, ["name": "guarded"])
        #expect(result["isError"] == true)
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["approval"] == nil)
        #expect(manager.approvals?.socketPath == nil)  // nobody was asked, so no socket was opened
    }
}

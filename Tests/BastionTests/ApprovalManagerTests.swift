import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ApprovalManagerTests {
    static let writer = ToolFixtures.tool(
        "write_file",
        schema: ["type": "object"],
        annotations: ToolAnnotations(readOnlyHint: false, destructiveHint: true)
    )
    static let reader = ToolFixtures.tool("read_file", annotations: .readOnly)

    private func client(
        _ id: String,
        _ policy: ApprovalPolicy,
        _ channel: ApprovalChannel = .local
    )
        -> ClientConfiguration
    {
        ClientConfiguration(id: id, workdir: "/nonexistent", approval: policy, approvalChannel: channel)
    }

    /// A manager for client "claude" whose pending calls are announced on the returned stream.
    private func makeManager(
        _ policy: ApprovalPolicy = .always,
        directory: String?,
        timeout: Duration = .seconds(600)
    ) -> (ApprovalManager, AsyncStream<ApprovalRequest>) {
        let (stream, hook) = ApprovalTestSupport.registrations()
        let manager = ApprovalManager(
            clients: [client("claude", policy)],
            directory: directory,
            timeout: timeout,
            logger: SessionTestSupport.quietLogger,
            onPending: hook,
            previewers: []  // the flow, not previews (a refused path is never asked: see the channel tests)
        )
        return (manager, stream)
    }

    private func review(
        _ manager: ApprovalManager,
        tool: ToolDefinition = writer,
        context: RequestContext = SessionTestSupport.makeContext()
    ) async -> ApprovalVerdict {
        await manager.review(
            tool: tool,
            arguments: ["path": "a.txt"],
            client: SessionTestSupport.makeClient(id: "claude"),
            context: context
        )
    }

    @Test func settingsComeFromTheClientsAndCanBeReplaced() {
        let manager = ApprovalManager(
            clients: [client("a", .always, .client), client("b", .destructive)],
            directory: nil,
            logger: SessionTestSupport.quietLogger
        )
        #expect(manager.settings(for: "a") == .init(policy: .always, channel: .client))
        #expect(manager.settings(for: "b") == .init(policy: .destructive, channel: .local))
        #expect(manager.settings(for: "unknown") == .init(policy: .never, channel: .local))
        manager.replaceSettings([client("a", .never)])
        #expect(manager.settings(for: "a") == .init(policy: .never, channel: .local))
        #expect(manager.settings(for: "b").policy == .never)
    }

    @Test func callsThePolicyDoesNotCoverAreNotAskedOrAnnotated() async {
        let (manager, _) = makeManager(.destructive, directory: nil)
        let context = SessionTestSupport.makeContext()
        #expect(await review(manager, tool: Self.reader, context: context) == .notRequired)
        #expect(context.annotations["approval"] == nil)
        let (never, _) = makeManager(.never, directory: nil)
        #expect(await review(never) == .notRequired)
    }

    @Test func theOperatorAllowsThroughTheSocket() async throws {
        let scratch = try ScratchDirectory()
        let (manager, pending) = makeManager(directory: scratch.file("approvals"))
        defer { manager.shutdown() }
        let context = SessionTestSupport.makeContext()
        let call = Task { await review(manager, context: context) }
        var iterator = pending.makeAsyncIterator()
        let request = try #require(await iterator.next())
        #expect(request.clientID == "claude" && request.tool == "write_file")
        #expect(request.summary == #"path="a.txt""#)
        let path = try #require(manager.socketPath)
        let outcome = ApprovalSocketClient.send(
            ApprovalWireProtocol.allowRequest(id: request.id),
            to: .init(pid: getpid(), path: path)
        )
        guard case .answer(let reply) = outcome else {
            Issue.record("the socket did not answer")
            return
        }
        #expect(reply["ok"] == true)
        #expect(await call.value == .allowed(.local))
        #expect(context.annotations["approval"] == "allowed")
        #expect(context.annotations["approval_channel"] == "local")
        #expect(context.annotations["approval_id"] == .string(request.id))
    }

    @Test func aDenialCarriesTheOperatorsReason() async throws {
        let scratch = try ScratchDirectory()
        let (manager, pending) = makeManager(directory: scratch.file("approvals"))
        defer { manager.shutdown() }
        let context = SessionTestSupport.makeContext()
        let call = Task { await review(manager, context: context) }
        var iterator = pending.makeAsyncIterator()
        let request = try #require(await iterator.next())
        #expect(manager.pending.resolve(id: request.id, with: .denied(reason: "not on Fridays")))
        guard case .refused(let refusal) = await call.value else {
            Issue.record("the call was not refused")
            return
        }
        #expect(refusal.kind == .denied)
        #expect(
            refusal.message(tool: "write_file")
                == "The call to write_file was not approved: denied by the operator (not on Fridays)"
        )
        #expect(context.annotations["approval"] == "denied")
        #expect(context.annotations["approval_reason"] == "denied by the operator (not on Fridays)")
    }

    /// Regression (issue 9 B8 review): the waiting slots were shared by the whole process, so one
    /// client's flood refused every other client's calls.
    @Test func oneClientsFloodLeavesAnotherClientsCallsWaiting() async throws {
        let scratch = try ScratchDirectory()
        let (ofA, hookA) = ApprovalTestSupport.registrations()
        let (ofB, hookB) = ApprovalTestSupport.registrations()
        let manager = ApprovalManager(
            clients: [client("a", .always), client("b", .always)],
            directory: scratch.file("approvals"),
            timeout: .seconds(600),
            logger: SessionTestSupport.quietLogger,
            onPending: { $0.clientID == "a" ? hookA($0) : hookB($0) },
            previewers: []
        )
        defer { manager.shutdown() }
        func call(_ id: String) -> Task<ApprovalVerdict, Never> {
            Task {
                await manager.review(
                    tool: Self.writer,
                    arguments: ["path": "a.txt"],
                    client: SessionTestSupport.makeClient(id: id),
                    context: SessionTestSupport.makeContext()
                )
            }
        }
        var iterator = ofA.makeAsyncIterator()
        let flood = (0..<ApprovalManager.maximumWaitingPerClient).map { _ in call("a") }
        for _ in flood { _ = try #require(await iterator.next()) }
        guard case .refused(let refusal) = await call("a").value else {
            Issue.record("a client over its limit was not refused")
            return
        }
        #expect(refusal.kind == .unavailable)
        // Client b's call must wait for the operator, who allows it; refused at once, it fails here.
        let answerer = Task {
            var waiting = ofB.makeAsyncIterator()
            guard let request = await waiting.next() else { return false }
            return manager.pending.resolve(id: request.id, with: .allowed)
        }
        #expect(await call("b").value == .allowed(.local))
        answerer.cancel()
        #expect(await answerer.value)
        manager.shutdown()
        for task in flood { _ = await task.value }
    }

    @Test func noAnswerInTimeIsRefused() async throws {
        let scratch = try ScratchDirectory()
        let (manager, _) = makeManager(directory: scratch.file("approvals"), timeout: .milliseconds(1))
        defer { manager.shutdown() }
        let context = SessionTestSupport.makeContext()
        #expect(
            await review(manager, context: context)
                == .refused(ApprovalRefusal(kind: .timeout, channel: .local, reason: "no approval within 1 ms"))
        )
        #expect(context.annotations["approval"] == "timeout")
        #expect(manager.pending.requests.isEmpty)
    }

    @Test func theTimeoutReasonUsesSecondsWhenWhole() {
        let (manager, _) = makeManager(directory: nil, timeout: ApprovalManager.defaultTimeout)
        #expect(manager.timeoutReason == "no approval within 120 s")
    }

    @Test func aCancelledCallLeavesNothingPending() async throws {
        let scratch = try ScratchDirectory()
        let (manager, pending) = makeManager(directory: scratch.file("approvals"))
        defer { manager.shutdown() }
        let context = SessionTestSupport.makeContext()
        let call = Task { await review(manager, context: context) }
        var iterator = pending.makeAsyncIterator()
        _ = try #require(await iterator.next())
        call.cancel()
        guard case .refused(let refusal) = await call.value else {
            Issue.record("the call was not refused")
            return
        }
        #expect(refusal.kind == .cancelled)
        #expect(manager.pending.requests.isEmpty)
    }

    @Test func theCallsDeadlineIsATimeoutNamingTimeoutMs() {
        let (manager, _) = makeManager(directory: nil)
        let context = SessionTestSupport.makeContext()
        #expect(context.markTimedOut())
        let verdict = manager.interrupted(.local, context: context, client: SessionTestSupport.makeClient())
        guard case .refused(let refusal) = verdict else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.kind == .timeout)
        #expect(refusal.reason.contains("timeout_ms = 30000"))
    }

    @Test func withoutADirectoryTheLocalChannelFailsClosed() async {
        let (manager, _) = makeManager(directory: nil)
        guard case .refused(let refusal) = await review(manager) else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.kind == .unavailable)
        #expect(refusal.reason.hasPrefix("the local approval channel is unavailable"))
    }

    @Test func shutdownRefusesWaitingCallsAndRemovesTheSocket() async throws {
        let scratch = try ScratchDirectory()
        let (manager, pending) = makeManager(directory: scratch.file("approvals"))
        let call = Task { await review(manager) }
        var iterator = pending.makeAsyncIterator()
        _ = try #require(await iterator.next())
        let path = try #require(manager.socketPath)
        manager.shutdown()
        guard case .refused(let refusal) = await call.value else {
            Issue.record("not refused")
            return
        }
        #expect(refusal.reason.contains("shutting down"))
        #expect(ScratchDirectory.mode(of: path) == nil)
        guard case .refused(let later) = await review(manager) else {
            Issue.record("a call after shutdown was not refused")
            return
        }
        #expect(later.kind == .unavailable)
    }

    /// Describes every call of `write_file` as "PREVIEW of <path>".
    private struct NamingPreviewer: ApprovalPreviewer {
        var toolNames: Set<String> { ["write_file"] }
        func preview(tool: ToolDefinition, arguments: [String: JSONValue], client: ClientContext) -> ApprovalPreview? {
            ApprovalPreview(title: "PREVIEW of \(arguments["path"]?.stringValue ?? "?")")
        }
    }

    @Test func theOperatorsRequestCarriesThePreviewOfItsTool() async throws {
        let scratch = try ScratchDirectory()
        let (stream, hook) = ApprovalTestSupport.registrations()
        let manager = ApprovalManager(
            clients: [client("claude", .always)],
            directory: scratch.file("approvals"),
            logger: SessionTestSupport.quietLogger,
            onPending: hook,
            previewers: [NamingPreviewer()]
        )
        defer { manager.shutdown() }
        let call = Task { await review(manager) }
        var iterator = stream.makeAsyncIterator()
        let request = try #require(await iterator.next())
        #expect(request.preview == "PREVIEW of a.txt")
        manager.pending.resolve(id: request.id, with: .denied(reason: nil))
        _ = await call.value
        #expect(
            await manager.preview(tool: Self.reader, arguments: [:], client: SessionTestSupport.makeClient()) == nil
        )
    }

    @Test func theStandardPreviewersCoverFileChangesAndExecutions() {
        let manager = ApprovalManager(clients: [], directory: nil, logger: SessionTestSupport.quietLogger)
        #expect(
            Set(manager.previewers.keys) == [
                "write_file", "edit_file", "delete_path", "move_file", "create_directory", "run_command", "run_code",
                "start_process", "write_process_input",
            ]
        )
    }
}

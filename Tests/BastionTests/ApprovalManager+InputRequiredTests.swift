import BastionProtocol
import BastionSecurity
import Synchronization
import Testing

@testable import Bastion

/// A sink that drops everything: on 2026-07-28 the server sends the client nothing of its own.
private struct DroppingSink: MessageSink {
    func send(_ message: consuming [UInt8]) -> Bool { true }
}

/// A previewer whose text never changes while what it was computed from can: the file's content
/// behind an unchanged "Replaces …" line.
private final class SteadyTextPreviewer: ApprovalPreviewer {
    let toolNames: Set<String> = ["change_things"]
    let content = Mutex(Array("first".utf8))
    let previews = Atomic(0)

    func preview(tool: ToolDefinition, arguments: [String: JSONValue], client: ClientContext) -> ApprovalPreview? {
        previews.add(1, ordering: .relaxed)
        let bytes = content.withLock { $0 }
        return ApprovalPreview(
            title: "Replaces notes.txt",
            body: "new text",
            basis: ApprovalBasis(path: "/x/notes.txt", state: .tree(ApprovalBasis.Digest(bytes)))
        )
    }
}

struct ApprovalManagerInputRequiredTests {
    private let manager = ApprovalManager(
        clients: ["claude", "eve"].map {
            ClientConfiguration(id: $0, workdir: "/x", approval: .always, approvalChannel: .client)
        },
        directory: nil,
        logger: SessionTestSupport.quietLogger
    )
    private static let arguments: [String: JSONValue] = ["path": "notes.txt"]

    /// A 2026-07-28 request whose envelope declares `capabilities`.
    private func context(capabilities: JSONValue = ["elicitation": ["form": [:]]]) throws -> RequestContext {
        let session = MCPSession(
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "bastion-test", version: "0.0.1"),
                capabilities: ServerRuntime.capabilities
            ),
            router: RequestRouter(),
            sink: DroppingSink(),
            observer: NullObserver(),
            id: "s-modern",
            logger: SessionTestSupport.quietLogger
        )
        let meta: JSONValue = [
            ModernEnvelope.Key.protocolVersion: "2026-07-28",
            ModernEnvelope.Key.clientCapabilities: capabilities,
            ModernEnvelope.Key.clientInfo: ["name": "tests", "version": "1"],
        ]
        let envelope = try ModernEnvelope(params: ["_meta": meta])
        return RequestContext(id: .int(1), method: "tools/call", params: nil, session: session, envelope: envelope)
    }

    private func review(
        _ context: RequestContext,
        retry: InputRetry = InputRetry(),
        client: String = "claude",
        arguments: [String: JSONValue] = ApprovalManagerInputRequiredTests.arguments
    ) async -> ApprovalVerdict {
        await manager.review(
            tool: ApprovalManagerChannelsTests.changer,
            arguments: arguments,
            client: SessionTestSupport.makeClient(id: client),
            context: context,
            retry: retry
        )
    }

    private func firstState() async throws -> String {
        guard case .inputRequired(let result) = await review(try context()) else {
            Issue.record("the first call was not asked")
            return ""
        }
        return try #require(result["requestState"]?.stringValue)
    }

    private static let yes: [String: JSONValue] = ["approval": ["action": "accept", "content": ["approve": true]]]

    @Test func theFirstCallIsAnsweredWithTheQuestion() async throws {
        let context = try context()
        guard case .inputRequired(let result) = await review(context) else {
            Issue.record("the first call was not asked")
            return
        }
        #expect(result["resultType"] == "input_required")
        let question = try #require(result["inputRequests"]?["approval"])
        #expect(question["method"] == "elicitation/create")
        #expect(question["params"]?["mode"] == "form")
        #expect(question["params"]?["requestedSchema"] == ApprovalManager.elicitationSchema)
        #expect(question["params"]?["message"]?.stringValue?.contains(#"path: "notes.txt""#) == true)
        #expect(result["requestState"]?.stringValue?.hasPrefix("bst1.") == true)
        #expect(context.annotations["approval"] == "asked")
    }

    @Test func theRetryWithAYesAllowsOnce() async throws {
        let state = try await firstState()
        let retry = InputRetry(responses: Self.yes, state: .string(state))
        let context = try context()
        #expect(await review(context, retry: retry) == .allowed(.client))
        #expect(context.annotations["request_state"] == "valid")
        let replay = try self.context()
        #expect(await review(replay, retry: retry) == .failed(ApprovalManager.invalidRequestState))
        #expect(replay.annotations["request_state"] == "replayed")
    }

    @Test func anotherClientsStateIsRefused() async throws {
        let state = try await firstState()
        let context = try context()
        let verdict = await review(
            context,
            retry: InputRetry(responses: Self.yes, state: .string(state)),
            client: "eve"
        )
        #expect(verdict == .failed(ApprovalManager.invalidRequestState))
        #expect(context.annotations["request_state"] == "other-client")
    }

    @Test func aStateForOtherArgumentsIsRefused() async throws {
        let state = try await firstState()
        let context = try context()
        let retry = InputRetry(responses: Self.yes, state: .string(state))
        #expect(await review(context, retry: retry, arguments: ["path": "/etc/passwd"]) != .allowed(.client))
        #expect(context.annotations["request_state"] == "other-request")
    }

    @Test func aRetryWithoutAnAnswerIsAskedAgain() async throws {
        let state = try await firstState()
        guard case .inputRequired(let again) = await review(try context(), retry: InputRetry(state: .string(state)))
        else {
            Issue.record("a retry without an answer was not asked again")
            return
        }
        #expect(again["requestState"]?.stringValue != state)
    }

    @Test func anAnswerWithoutAStateIsNotTaken() async throws {
        guard case .inputRequired = await review(try context(), retry: InputRetry(responses: Self.yes)) else {
            Issue.record("an answer without a state was taken")
            return
        }
    }

    static let refusals: [(JSONValue, String)] = [
        (["action": "decline"], "declined through the client"),
        (["action": "cancel"], "dismissed through the client"),
        (["action": "accept", "content": ["approve": "yes"]], "refused through the client"),
    ]

    @Test(arguments: refusals)
    func anythingButAYesRefuses(answer: JSONValue, reason: String) async throws {
        let state = try await firstState()
        let verdict = await review(
            try context(),
            retry: InputRetry(responses: ["approval": answer], state: .string(state))
        )
        #expect(verdict == .refused(ApprovalRefusal(kind: .denied, channel: .client, reason: reason)))
    }

    @Test func anAnswerThatIsNoElicitResultIsInvalidParams() async throws {
        let state = try await firstState()
        let retry = InputRetry(responses: ["approval": ["approve": true]], state: .string(state))
        guard case .failed(let error) = await review(try context(), retry: retry) else {
            Issue.record("a malformed answer was taken")
            return
        }
        #expect(error.code == JSONRPCError.invalidParamsCode)
    }

    @Test func withoutElicitationTheRequestGetsMissingCapability() async throws {
        let context = try context(capabilities: [:])
        guard case .failed(let error) = await review(context) else {
            Issue.record("a client without elicitation was asked")
            return
        }
        #expect(error.code == JSONRPCError.missingRequiredClientCapabilityCode)
        #expect(error.data?["requiredCapabilities"] == ["elicitation": [:]])
        #expect(context.annotations["approval"] == "unavailable")
    }

    private func manager(previewer: SteadyTextPreviewer) -> ApprovalManager {
        ApprovalManager(
            clients: [ClientConfiguration(id: "claude", workdir: "/x", approval: .always, approvalChannel: .client)],
            directory: nil,
            logger: SessionTestSupport.quietLogger,
            previewers: [previewer]
        )
    }

    private func review(_ manager: ApprovalManager, retry: InputRetry = InputRetry()) async throws -> ApprovalVerdict {
        await manager.review(
            tool: ApprovalManagerChannelsTests.changer,
            arguments: Self.arguments,
            client: SessionTestSupport.makeClient(id: "claude"),
            context: try context(),
            retry: retry
        )
    }

    @Test func aChangedBasisBehindTheSameWordsIsAskedAgain() async throws {
        let previewer = SteadyTextPreviewer()
        let manager = manager(previewer: previewer)
        guard case .inputRequired(let first) = try await review(manager) else {
            Issue.record("the first call was not asked")
            return
        }
        let firstState: JSONValue? = first["requestState"]
        let state = try #require(firstState)
        previewer.content.withLock { $0 = Array("other".utf8) }
        guard
            case .inputRequired(let again) = try await review(
                manager,
                retry: InputRetry(responses: Self.yes, state: state)
            )
        else {
            Issue.record("a yes to another basis was taken")
            return
        }
        let message = again["inputRequests"]?["approval"]?["params"]?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("What this call would do changed"))
        // The new question, answered, runs against the basis it was asked about.
        let secondState: JSONValue? = again["requestState"]
        let verdict = try await review(manager, retry: InputRetry(responses: Self.yes, state: secondState))
        guard case .allowed(.client, let basis?) = verdict else {
            Issue.record("the second yes was not taken: \(verdict)")
            return
        }
        #expect(basis.state == .tree(ApprovalBasis.Digest(Array("other".utf8))))
    }

    @Test func aJunkStateIsRefusedBeforeAnythingIsPreviewed() async throws {
        let previewer = SteadyTextPreviewer()
        let manager = manager(previewer: previewer)
        let verdict = try await review(manager, retry: InputRetry(responses: Self.yes, state: "bst1.00"))
        #expect(verdict == .failed(ApprovalManager.invalidRequestState))
        #expect(previewer.previews.load(ordering: .relaxed) == 0)
    }

    @Test func theStateLivesAsLongAsTheWaitRoundedUp() {
        #expect(ApprovalManager.wholeSeconds(rounding: .milliseconds(1500)) == 2)
        #expect(ApprovalManager.wholeSeconds(rounding: .seconds(120)) == 120)
        #expect(ApprovalManager.wholeSeconds(rounding: .milliseconds(1)) == 1)
        let manager = ApprovalManager(
            clients: [],
            directory: nil,
            timeout: .milliseconds(1500),
            logger: SessionTestSupport.quietLogger
        )
        #expect(manager.requestStates.lifetime == 2)
    }
}

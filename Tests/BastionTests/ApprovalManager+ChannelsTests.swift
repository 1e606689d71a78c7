import BastionProtocol
import BastionSecurity
import Synchronization
import Testing

@testable import Bastion

/// A client that answers `elicitation/create` with a canned result (or an error when `nil`).
private final class ElicitingClient: MessageSink {
    let session = Mutex<MCPSession?>(nil)
    let questions = Mutex<[JSONValue]>([])
    private let result: JSONValue?
    private let isSilent: Bool

    init(result: JSONValue?, isSilent: Bool = false) {
        self.result = result
        self.isSilent = isSilent
    }

    func send(_ message: consuming [UInt8]) -> Bool {
        let bytes = message
        guard let json = try? JSONParser.parse(bytes), json["method"] == "elicitation/create", let id = json["id"]
        else {
            return true
        }
        questions.withLock { $0.append(json) }
        guard !isSilent, let session = session.withLock({ $0 }) else { return true }
        let reply: JSONValue =
            result.map { ["jsonrpc": "2.0", "id": id, "result": $0] }
            ?? ["jsonrpc": "2.0", "id": id, "error": ["code": -32603, "message": "the dialog crashed"]]
        Task { SessionTestSupport.feed(session, JSONWriter.string(reply)) }
        return true
    }
}

struct ApprovalManagerChannelsTests {
    /// A request context on a session whose client declared `capabilities` at `version`.
    private func context(
        _ client: ElicitingClient,
        version: ProtocolVersion = .latest,
        capabilities: String
    )
        -> RequestContext
    {
        let live = MCPSession(
            configuration: MCPSession.Configuration(
                identity: ServerIdentity(name: "bastion-test", version: "0.0.1"),
                capabilities: ServerRuntime.capabilities
            ),
            router: RequestRouter(),
            sink: client,
            observer: NullObserver(),
            id: "s-approval",
            logger: SessionTestSupport.quietLogger
        )
        client.session.withLock { $0 = live }
        SessionTestSupport.feed(
            live,
            #"{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":""# + version.rawValue
                + #"","capabilities":"# + capabilities + #","clientInfo":{"name":"tests","version":"1"}}}"#
        )
        return RequestContext(id: .int(9), method: "tools/call", params: nil, session: live)
    }

    /// A destructive tool without a previewer: the channel is what these tests are about.
    static let changer = ToolFixtures.tool(
        "change_things",
        schema: ["type": "object"],
        annotations: ToolAnnotations(readOnlyHint: false, destructiveHint: true)
    )

    private func ask(
        _ client: ElicitingClient,
        tool: ToolDefinition = ApprovalManagerChannelsTests.changer,
        version: ProtocolVersion = .latest,
        capabilities: String = #"{"elicitation":{}}"#,
        timeout: Duration = .seconds(600)
    ) async -> (ApprovalVerdict, RequestContext) {
        let manager = ApprovalManager(
            clients: [ClientConfiguration(id: "claude", workdir: "/x", approval: .always, approvalChannel: .client)],
            directory: nil,
            timeout: timeout,
            logger: SessionTestSupport.quietLogger
        )
        let context = context(client, version: version, capabilities: capabilities)
        let verdict = await manager.review(
            tool: tool,
            arguments: ["path": "notes.txt", "token": "s3cret"],
            client: SessionTestSupport.makeClient(id: "claude"),
            context: context
        )
        return (verdict, context)
    }

    @Test func acceptingWithApproveTrueAllows() async throws {
        let client = ElicitingClient(result: ["action": "accept", "content": ["approve": true]])
        let (verdict, context) = await ask(client)
        #expect(verdict == .allowed(.client))
        #expect(context.annotations["approval"] == "allowed")
        #expect(context.annotations["approval_channel"] == "client")
        let question = try #require(client.questions.withLock { $0.first })
        let message = try #require(question["params"]?["message"]?.stringValue)
        #expect(message.contains(#"Client "claude" wants to call the tool "change_things""#))
        #expect(message.contains(#"path: "notes.txt""#))
        #expect(!message.contains("s3cret"))
        #expect(question["params"]?["requestedSchema"] == ApprovalManager.elicitationSchema)
    }

    static let refusals: [(JSONValue?, String)] = [
        (["action": "accept", "content": ["approve": false]], "refused through the client"),
        (["action": "accept", "content": [:]], "refused through the client"),
        (["action": "accept", "content": ["approve": "yes"]], "refused through the client"),
        (["action": "decline"], "declined through the client"),
        (["action": "cancel"], "dismissed through the client"),
        (nil, "the client's answer to the approval request was an error"),
    ]

    @Test(arguments: refusals)
    func anythingButAnExplicitYesRefuses(result: JSONValue?, reason: String) async {
        let (verdict, context) = await ask(ElicitingClient(result: result))
        guard case .refused(let refusal) = verdict else {
            Issue.record("\(String(describing: result)) was taken as a yes")
            return
        }
        #expect(refusal.kind == .denied)
        #expect(refusal.reason.hasPrefix(reason))
        #expect(context.annotations["approval"] == "denied")
    }

    /// Regression (review of issue 9, F1): a call whose path the preview found refused was put to a
    /// person as "the call will fail"; a client that widened its roots meanwhile then made the
    /// approved call change what nobody was shown. It is refused without asking.
    @Test func aCallWhosePathIsRefusedIsNotPutToAnyone() async {
        let client = ElicitingClient(result: ["action": "accept", "content": ["approve": true]])
        let (verdict, context) = await ask(client, tool: ApprovalManagerTests.writer)
        guard case .refused(let refusal) = verdict else {
            Issue.record("a refused path was approved: \(verdict)")
            return
        }
        #expect(refusal.kind == .unavailable)
        #expect(refusal.reason.hasPrefix("the path is refused, so there is nothing to approve (Permission denied"))
        #expect(client.questions.withLock { $0.isEmpty })
        #expect(context.annotations["approval"] == "unavailable")
    }

    @Test func aClientWithoutElicitationIsRefusedWithoutBeingAsked() async {
        let client = ElicitingClient(result: ["action": "accept", "content": ["approve": true]])
        let (verdict, _) = await ask(client, capabilities: "{}")
        #expect(
            verdict
                == .refused(
                    ApprovalRefusal(
                        kind: .unavailable,
                        channel: .client,
                        reason: "approval channel client needs elicitation support, which this client did not declare"
                    )
                )
        )
        #expect(client.questions.withLock { $0.isEmpty })
    }

    @Test func anOldProtocolVersionIsRefused() async {
        let client = ElicitingClient(result: ["action": "accept", "content": ["approve": true]])
        let (verdict, _) = await ask(client, version: .v2025_03_26)
        guard case .refused(let refusal) = verdict else {
            Issue.record("allowed without elicitation")
            return
        }
        #expect(refusal.kind == .unavailable)
        #expect(refusal.reason.contains("2025-03-26"))
    }

    @Test func noAnswerInTimeIsATimeout() async {
        let (verdict, context) = await ask(ElicitingClient(result: nil, isSilent: true), timeout: .milliseconds(1))
        #expect(
            verdict == .refused(ApprovalRefusal(kind: .timeout, channel: .client, reason: "no approval within 1 ms"))
        )
        #expect(context.annotations["approval"] == "timeout")
    }
}

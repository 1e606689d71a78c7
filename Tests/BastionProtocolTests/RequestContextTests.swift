import Synchronization
import Testing

@testable import BastionProtocol

struct RequestContextTests {
    /// An initialized session and a context for a request with `params`.
    private func makeContext(
        params: JSONValue?,
        version: ProtocolVersion = .latest
    ) -> (context: RequestContext, harness: SessionHarness) {
        let harness = SessionHarness()
        harness.initialize(version.rawValue)
        let context = RequestContext(id: .int(9), method: "tools/call", params: params, session: harness.session)
        return (context, harness)
    }

    private func progressNotifications(_ harness: SessionHarness) -> [JSONValue] {
        harness.sink.notifications("notifications/progress").compactMap { $0["params"] }
    }

    @Test func aLogMessageCarriesTheTagAndTaskOfItsRequest() throws {
        let harness = SessionHarness(capabilities: ServerCapabilities(tools: true, logging: true))
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "logging/setLevel", ["level": "debug"]))
        let tagged = RequestContext(
            id: .int(3),
            method: "tools/call",
            params: nil,
            session: harness.session,
            relatedTask: "t-1",
            messageTag: ["bastion/worker-call": 3]
        )
        tagged.log(.info, data: "from the call")
        let plain = RequestContext(id: .int(4), method: "tools/call", params: nil, session: harness.session)
        plain.log(.info, data: "no tag")
        let messages = harness.sink.notifications("notifications/message").compactMap { $0["params"] }
        #expect(messages.count == 2)
        #expect(messages.first?["_meta"]?["bastion/worker-call"] == 3)
        #expect(messages.first?["_meta"]?[RequestContext.relatedTaskKey]?["taskId"] == "t-1")
        #expect(messages.last?["_meta"] == nil)
    }

    @Test func keepsIDAndMethod() {
        let (context, harness) = makeContext(params: nil)
        #expect(context.id == .int(9))
        #expect(context.method == "tools/call")
        #expect(context.session === harness.session)
        #expect(!context.isCancelled)
    }

    /// Request params (as JSON text, `nil` for none) and the progress token they carry.
    static let tokenCases: [(String?, JSONValue?)] = [
        (#"{"_meta":{"progressToken":"tok"}}"#, .string("tok")),
        (#"{"_meta":{"progressToken":42}}"#, .int(42)),
        (#"{"_meta":{"progressToken":1.5}}"#, nil),
        (#"{"_meta":{"progressToken":null}}"#, nil),
        (#"{"_meta":{"progressToken":{"a":1}}}"#, nil),
        (#"{"_meta":{"progressToken":true}}"#, nil),
        (#"{"_meta":{}}"#, nil),
        (#"{"progressToken":"tok"}"#, nil),
        ("[1,2]", nil),
        (nil, nil),
    ]

    @Test(arguments: tokenCases)
    func progressTokenIsAStringOrIntegerFromMeta(params: String?, expected: JSONValue?) throws {
        let json = try params.map { try JSONParser.parse($0) }
        #expect(makeContext(params: json).context.progressToken == expected)
    }

    @Test func withoutATokenNoProgressIsSent() {
        let (context, harness) = makeContext(params: ["name": "x"])
        let before = harness.sink.messages.count
        context.reportProgress(1, total: 2, message: "half")
        #expect(harness.sink.messages.count == before)
    }

    @Test func progressCarriesTokenProgressAndTotal() throws {
        let (context, harness) = makeContext(params: ["_meta": ["progressToken": "p1"]])
        context.reportProgress(1, total: 4)
        context.reportProgress(2)
        let sent = progressNotifications(harness)
        try #require(sent.count == 2)
        #expect(sent[0] == ["progressToken": "p1", "progress": 1.0, "total": 4.0])
        #expect(sent[1] == ["progressToken": "p1", "progress": 2.0])
    }

    @Test func progressMustIncrease() {
        let (context, harness) = makeContext(params: ["_meta": ["progressToken": 7]])
        for value in [1.0, 1.0, 0.5, 2.0, 1.9, 2.5, -1] { context.reportProgress(value) }
        #expect(progressNotifications(harness).map { $0["progress"] } == [1.0, 2.0, 2.5])
        #expect(progressNotifications(harness).allSatisfy { $0["progressToken"] == 7 })
    }

    @Test func fractionalProgressIsAllowed() {
        let (context, harness) = makeContext(params: ["_meta": ["progressToken": 7]])
        context.reportProgress(0.25)
        context.reportProgress(0.5)
        #expect(progressNotifications(harness).map { $0["progress"] } == [0.25, 0.5])
    }

    @Test func noProgressAfterTheRequestFinished() {
        let (context, harness) = makeContext(params: ["_meta": ["progressToken": "p"]])
        context.reportProgress(1)
        #expect(context.markFinished())
        context.reportProgress(2)
        #expect(progressNotifications(harness).count == 1)
    }

    @Test func noProgressAfterCancellation() {
        let (context, harness) = makeContext(params: ["_meta": ["progressToken": "p"]])
        #expect(context.markCancelled())
        #expect(context.isCancelled)
        context.reportProgress(1)
        #expect(progressNotifications(harness).isEmpty)
    }

    @Test func cancellingAFinishedRequestFails() {
        let (context, _) = makeContext(params: nil)
        #expect(context.markFinished())
        #expect(!context.markCancelled())
        #expect(!context.isCancelled)
    }

    @Test func aCancelledRequestIsNotAnswered() {
        let (context, _) = makeContext(params: nil)
        #expect(context.markCancelled())
        #expect(!context.markFinished())
    }

    @Test(arguments: ProtocolVersion.handshakeVersions)
    func progressMessageOnlyFrom2025_03_26(version: ProtocolVersion) throws {
        let (context, harness) = makeContext(params: ["_meta": ["progressToken": "p"]], version: version)
        context.reportProgress(1, total: 3, message: "step 1")
        let sent = try #require(progressNotifications(harness).first)
        if version >= .v2025_03_26 {
            #expect(sent["message"] == "step 1")
        } else {
            #expect(sent["message"] == nil)
        }
        #expect(sent["total"] == 3.0)
    }

    @Test func annotationsAccumulateAndLaterValuesWin() {
        let (context, _) = makeContext(params: nil)
        #expect(context.annotations.isEmpty)
        context.annotate("tool.name", "echo")
        context.annotate("decision", "allow")
        context.annotate("decision", "deny")
        #expect(context.annotations == ["tool.name": "echo", "decision": "deny"])
    }

    @Test func noProgressOnAClosedSession() async {
        let (context, harness) = makeContext(params: ["_meta": ["progressToken": "p"]])
        await harness.session.close(grace: .milliseconds(50))
        context.reportProgress(1)
        #expect(progressNotifications(harness).isEmpty)
    }

    @Test func deadlineExtensionsAddUp() {
        let context = RequestContext(id: .int(1), method: "m", params: nil, session: SessionHarness().session)
        #expect(context.deadlineExtension == .zero)
        context.extendDeadline(by: .seconds(2))
        context.extendDeadline(by: .milliseconds(500))
        #expect(context.deadlineExtension == .milliseconds(2_500))
    }

    @Test func whatIsHeldLivesAsLongAsTheRequest() {
        final class Witness: Sendable {
            let released: @Sendable () -> Void
            init(_ released: @escaping @Sendable () -> Void) { self.released = released }
            deinit { released() }
        }
        let flag = Atomic<Bool>(false)
        var context: RequestContext? = makeContext(params: nil).context
        context?.holdUntilAnswered(Witness { flag.store(true, ordering: .relaxed) })
        let releasedEarly = flag.load(ordering: .relaxed)
        #expect(!releasedEarly)
        context = nil
        let releasedAfter = flag.load(ordering: .relaxed)
        #expect(releasedAfter)
    }

    /// Regression (flaky `theReservationIsReleasedOnlyOnceTheAnswerHasBeenWritten`): what a handler
    /// held was released only when the last reference to its context went, which a task still
    /// finishing (or anything else keeping the context) could delay past the session going idle.
    @Test func whatARequestHeldIsReleasedOnceItsAnswerIsWrittenEvenIfTheContextLivesOn() async throws {
        final class Witness: Sendable {
            let released: @Sendable () -> Void
            init(_ released: @escaping @Sendable () -> Void) { self.released = released }
            deinit { released() }
        }
        let flag = Atomic<Bool>(false)
        let kept = Mutex<[RequestContext]>([])
        var router = RequestRouter()
        router.on("hold") { _, context in
            context.holdUntilAnswered(Witness { flag.store(true, ordering: .relaxed) })
            kept.withLock { $0.append(context) }
            return ["held": true]
        }
        let harness = SessionHarness(router: router)
        harness.initialize(ProtocolVersion.latest.rawValue)
        harness.receive(json: SessionHarness.request(1, "hold"))
        let answer = try #require(await harness.sink.waitForResponse(to: 1))
        #expect(answer["result"] == ["held": true])
        await harness.session.waitUntilIdle()
        let released = flag.load(ordering: .relaxed)
        #expect(released)
        #expect(kept.withLock { $0.count } == 1)
    }

    @Test func aTaskContextNamesItsTaskAndReportsWaitingForInput() {
        let harness = SessionHarness()
        harness.initialize()
        let changes = Mutex<[Bool]>([])
        let context = RequestContext(
            id: .int(1),
            method: "tools/call",
            params: nil,
            session: harness.session,
            relatedTask: "t-1",
            inputObserver: { waiting in changes.withLock { $0.append(waiting) } }
        )
        #expect(context.relatedTaskMeta == ["io.modelcontextprotocol/related-task": ["taskId": "t-1"]])
        context.awaitingInput(true)
        context.awaitingInput(false)
        #expect(changes.withLock { $0 } == [true, false])
        let plain = RequestContext(id: .int(2), method: "tools/call", params: nil, session: harness.session)
        #expect(plain.relatedTaskMeta == nil)
        plain.awaitingInput(true)  // no observer: nothing happens
    }
}

import Testing

@testable import BastionProtocol

/// Records of work that outlived its request (MCPSession+Detached.swift).
struct MCPSessionDetachedTests {
    @Test func theRecordCarriesTheContextsNotesAndOutcome() {
        let harness = SessionHarness()
        harness.initialize()
        let context = RequestContext(id: .int(9), method: "tools/call", params: nil, session: harness.session)
        context.annotate("task", "t-1")
        #expect(harness.session.recordDetached(context, result: .failure(.internalError("x")), wasCancelled: false) == nil)
        let record = harness.observer.records(for: .int(9)).last
        #expect(record?.annotations["task"] == "t-1" && record?.method == "tools/call")
        #expect(record?.outcome == .error(code: -32603, message: "Internal error: x"))
        #expect(context.isFinished)
    }

    @Test func aCancelledRunIsRecordedAsCancelled() {
        let harness = SessionHarness()
        harness.initialize()
        let context = RequestContext(id: .int(10), method: "tools/call", params: nil, session: harness.session)
        _ = harness.session.recordDetached(context, result: .success([:]), wasCancelled: true)
        #expect(harness.observer.records(for: .int(10)).last?.outcome == .cancelled)
    }

    @Test func progressOfATaskCarriesItsIdAndStopsOnceRecorded() {
        let harness = SessionHarness()
        harness.initialize()
        let context = RequestContext(
            id: .int(11),
            method: "tools/call",
            params: ["_meta": ["progressToken": "p"]],
            session: harness.session,
            relatedTask: "t-9"
        )
        context.reportProgress(1)
        _ = harness.session.recordDetached(context, result: .success([:]), wasCancelled: false)
        context.reportProgress(2)
        let sent = harness.sink.notifications("notifications/progress")
        #expect(sent.count == 1)
        #expect(sent.first?["params"]?["_meta"]?["io.modelcontextprotocol/related-task"] == ["taskId": "t-9"])
    }
}

import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct ToolCallTests {
    private func makeCall(
        _ arguments: [String: JSONValue],
        params: JSONValue? = nil,
        version: ProtocolVersion = .latest,
        sink: RecordingSink = RecordingSink()
    ) -> ToolCall {
        let context = SessionTestSupport.makeContext(version: version, params: params, sink: sink)
        return ToolCall(name: "probe", arguments: arguments, request: context)
    }

    @Test func stringReadsOnlyStrings() {
        let call = makeCall(["path": "a.txt", "count": 3])
        #expect(call.string("path") == "a.txt")
        #expect(call.string("count") == nil)
        #expect(call.string("missing") == nil)
    }

    @Test func integerReadsIntegralNumbers() {
        let call = makeCall(["n": 3, "whole": 4.0, "half": 2.5, "text": "5"])
        #expect(call.integer("n") == 3)
        #expect(call.integer("whole") == 4)
        #expect(call.integer("half") == nil)
        #expect(call.integer("text") == nil)
    }

    @Test func nameAndArgumentsAreKept() {
        let call = makeCall(["a": 1])
        #expect(call.name == "probe")
        #expect(call.arguments == ["a": 1])
        #expect(call.request.method == "tools/call")
    }

    @Test func isCancelledFollowsTheRequest() {
        let call = makeCall([:])
        #expect(!call.isCancelled)
        #expect(call.request.markCancelled())
        #expect(call.isCancelled)
    }

    @Test func logSendsAMessageNamedAfterTheTool() throws {
        let sink = RecordingSink()
        let call = makeCall([:], sink: sink)
        call.log(.warning, ["detail": "x"])
        let message = try #require(sink.notifications("notifications/message").first)
        #expect(message["params"] == ["level": "warning", "logger": "probe", "data": ["detail": "x"]])
    }

    @Test func logBelowTheSessionLevelIsDropped() {
        let sink = RecordingSink()
        let call = makeCall([:], sink: sink)
        call.log(.debug, "too verbose")
        #expect(sink.notifications("notifications/message").isEmpty)
    }

    @Test func progressIsSentOnlyWhenAskedFor() throws {
        let sink = RecordingSink()
        let call = makeCall([:], params: ["_meta": ["progressToken": "p1"]], sink: sink)
        call.reportProgress(1, total: 4, message: "one")
        let progress = try #require(sink.notifications("notifications/progress").first)
        #expect(progress["params"]?["progressToken"] == "p1")
        #expect(progress["params"]?["progress"]?.doubleValue == 1)
        #expect(progress["params"]?["total"]?.doubleValue == 4)
        #expect(progress["params"]?["message"] == "one")

        let quiet = RecordingSink()
        makeCall([:], sink: quiet).reportProgress(1)
        #expect(quiet.notifications("notifications/progress").isEmpty)
    }

    @Test func memoryReservesInTheCallsBudgetForTheRequest() async throws {
        let budget = MemoryBudget(limit: 1_000)
        let context = SessionTestSupport.makeContext()
        let call = ToolCall(name: "probe", arguments: [:], request: context, memoryBudget: budget)
        #expect(call.memory.budget === budget)
        try await call.memory.reserve(400)
        #expect(budget.bytesInUse == 400)
        #expect(makeCall([:]).memory.budget == nil)
    }
}

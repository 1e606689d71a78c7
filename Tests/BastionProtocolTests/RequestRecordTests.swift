import Testing

@testable import BastionProtocol

struct RequestRecordTests {
    @Test func keepsEveryFieldAndDefaultsToNoAnnotations() {
        let record = RequestRecord(
            id: .int(4),
            method: "tools/call",
            outcome: .ok,
            duration: .milliseconds(3),
            byteCount: 120
        )
        #expect(record.id == .int(4))
        #expect(record.method == "tools/call")
        #expect(record.outcome == .ok)
        #expect(record.duration == .milliseconds(3))
        #expect(record.byteCount == 120)
        #expect(record.annotations.isEmpty)
    }

    @Test func keepsAnnotations() {
        let record = RequestRecord(
            id: nil,
            method: nil,
            outcome: .rejected(code: -32700, message: "Parse error"),
            duration: .zero,
            byteCount: 5,
            annotations: ["tool.name": "echo"]
        )
        #expect(record.id == nil)
        #expect(record.method == nil)
        #expect(record.annotations == ["tool.name": "echo"])
    }

    @Test func outcomesCompareByKindCodeAndMessage() {
        #expect(RequestRecord.Outcome.ok == .ok)
        #expect(RequestRecord.Outcome.cancelled == .cancelled)
        #expect(RequestRecord.Outcome.ok != .cancelled)
        #expect(RequestRecord.Outcome.error(code: 1, message: "m") == .error(code: 1, message: "m"))
        #expect(RequestRecord.Outcome.error(code: 1, message: "m") != .error(code: 2, message: "m"))
        #expect(RequestRecord.Outcome.error(code: 1, message: "m") != .error(code: 1, message: "n"))
        // A refusal before dispatch is not the same as a handler's error, even with the same code.
        #expect(RequestRecord.Outcome.error(code: 1, message: "m") != .rejected(code: 1, message: "m"))
    }
}

import Testing

@testable import BastionProtocol

struct AdmittedRequestTests {
    @Test func itsIDIsItsRequestsID() {
        let session = SessionHarness().session
        let request = AdmittedRequest(
            context: RequestContext(id: .string("a"), method: "tools/call", params: nil, session: session),
            params: ["x": 1],
            byteCount: 10,
            queuedBytes: 10,
            reply: .batch(BatchReply())
        )
        #expect(request.id == .string("a"))
        #expect(request.params == ["x": 1])
        guard case .batch = request.reply else {
            Issue.record("expected a batch reply")
            return
        }
    }
}

import Testing

@testable import BastionProtocol

struct AdmissionQueueTests {
    private let session = SessionHarness().session

    private func request(_ id: Int) -> AdmittedRequest {
        AdmittedRequest(
            context: RequestContext(id: .int(Int64(id)), method: "m", params: nil, session: session),
            params: nil,
            byteCount: 1,
            queuedBytes: 1,
            reply: .single
        )
    }

    @Test func requestsLeaveOldestFirst() {
        var queue = AdmissionQueue()
        for id in 0..<3 { queue.append(request(id)) }
        #expect(queue.count == 3)
        #expect(queue.popFirst()?.id == .int(0))
        #expect(queue.popFirst()?.id == .int(1))
        #expect(queue.popFirst()?.id == .int(2))
        #expect(queue.popFirst() == nil)
        #expect(queue.isEmpty)
    }

    @Test func aCancelledRequestIsTakenOutWhereverItWaits() {
        var queue = AdmissionQueue()
        for id in 0..<4 { queue.append(request(id)) }
        _ = queue.popFirst()
        #expect(queue.remove(.int(2))?.id == .int(2))
        #expect(queue.remove(.int(2)) == nil)
        #expect(queue.remove(.int(0)) == nil)  // already taken
        #expect(queue.removeAll().map(\.id) == [.int(1), .int(3)])
        #expect(queue.isEmpty)
    }

    @Test func manyCyclesKeepTheOrderAndTheCount() {
        var queue = AdmissionQueue()
        var next = 0
        var expected = 0
        for round in 0..<500 {
            for _ in 0..<3 {
                queue.append(request(next))
                next += 1
            }
            for _ in 0..<(round % 2 == 0 ? 2 : 4) where !queue.isEmpty {
                #expect(queue.popFirst()?.id == .int(Int64(expected)))
                expected += 1
            }
        }
        #expect(queue.count == next - expected)
    }
}

import Synchronization
import Testing

@testable import BastionProtocol

/// Admission by credits (MCPSession+Admission.swift): the reader never waits, requests beyond the
/// limit queue in order, beyond the queue they are refused as busy, and lifecycle messages are
/// handled whatever the load. Sessions here have one credit, so "the limit is reached" is one call.
@Suite(.timeLimit(.minutes(1)))
struct MCPSessionAdmissionTests {
    private func harness(
        queue: Int = 4,
        queuedBytes: Int = 16 << 20,
        version: ProtocolVersion = .latest
    ) -> (SessionHarness, TestRoutes) {
        let routes = TestRoutes()
        let harness = SessionHarness(
            router: routes.router,
            maxConcurrentRequests: 1,
            maxQueuedRequests: queue,
            maxQueuedBytes: queuedBytes
        )
        harness.initialize(version.rawValue)
        return (harness, routes)
    }

    private func waiting(_ harness: SessionHarness) -> Int { harness.session.state.withLock { $0.waiting.count } }

    private func cancel(_ id: JSONValue, in harness: SessionHarness) {
        harness.receive(json: SessionHarness.notification("notifications/cancelled", ["requestId": id]))
    }

    /// Fills the one credit with `slow` request 1, started.
    private func fill(_ harness: SessionHarness, _ routes: TestRoutes) async {
        harness.receive(json: SessionHarness.request(1, "slow"))
        _ = await routes.started.wait(forCount: 1)
    }

    @Test func aRequestBeyondTheLimitWaitsAndStartsWhenTheCreditFrees() async throws {
        let (harness, routes) = harness()
        harness.receive(json: SessionHarness.request(1, "gated"))
        harness.receive(json: SessionHarness.request(2, "echo", ["n": 2]))
        #expect(waiting(harness) == 1)
        #expect(harness.sink.responses(to: 2).isEmpty)
        routes.gate.open()
        let response = try #require(await harness.sink.waitForResponse(to: 2))
        #expect(response["result"] == ["n": 2])
        #expect(harness.sink.responses(to: 1).first?["result"] == ["done": true])
        #expect(waiting(harness) == 0)
    }

    @Test func waitingRequestsStartInArrivalOrder() async {
        let (harness, routes) = harness()
        await fill(harness, routes)
        for id in 2...4 { harness.receive(json: SessionHarness.request(.int(Int64(id)), "slow")) }
        #expect(waiting(harness) == 3)
        for (cancelled, next) in [(1, 2), (2, 3), (3, 4)] {
            cancel(.int(Int64(cancelled)), in: harness)
            _ = await routes.started.wait(forCount: next)
        }
        #expect(routes.started.elements == [.int(1), .int(2), .int(3), .int(4)])
        await harness.session.close(grace: .milliseconds(50))
    }

    @Test func pingAndSetLevelAreAnsweredWhileTheQueueIsFull() async {
        let (harness, routes) = harness(queue: 2)
        await fill(harness, routes)
        for id in 2...3 { harness.receive(json: SessionHarness.request(.int(Int64(id)), "slow")) }
        harness.receive(json: SessionHarness.request("p", "ping"))
        #expect(harness.sink.responses(to: "p").first?["result"] == [:])
        harness.receive(json: SessionHarness.request("l", "logging/setLevel", ["level": "debug"]))
        #expect(harness.sink.responses(to: "l").first?["result"] == [:])
        await harness.session.close(grace: .milliseconds(50))
    }

    @Test func anAnswerToAServerRequestArrivesWhileTheLimitIsReached() async throws {
        let (harness, _) = harness()
        // The one credit is held by a handler waiting for the client's answer, and another request
        // waits behind it: the answer must still reach the handler.
        harness.receive(json: SessionHarness.request(1, "ask"))
        let asked = await harness.sink.waitForMessages { $0.contains { $0["method"] == "test/ask" } }
        let question = try #require(asked.first { $0["method"] == "test/ask" })
        harness.receive(json: SessionHarness.request(2, "echo"))
        harness.receive(json: ["jsonrpc": "2.0", "id": question["id"] ?? .null, "result": ["answer": 42]])
        #expect(await harness.sink.waitForResponse(to: 1)?["result"] == ["answer": 42])
        #expect(await harness.sink.waitForResponse(to: 2)?["result"] == [:])
    }

    @Test func aCancelledWaitingRequestLeavesTheQueueAndNeverRuns() async throws {
        let (harness, routes) = harness()
        await fill(harness, routes)
        harness.receive(json: SessionHarness.request(2, "slow"))
        harness.receive(json: SessionHarness.request(3, "slow"))
        cancel(2, in: harness)
        #expect(waiting(harness) == 1)
        // Recorded at once as cancelled, and never answered (cancellation.mdx: no response).
        let record = try #require(harness.observer.records(for: .int(2)).first)
        #expect(record.outcome == .cancelled)
        cancel(1, in: harness)
        _ = await routes.started.wait(forCount: 2)
        #expect(routes.started.elements == [.int(1), .int(3)])
        await harness.session.close(grace: .milliseconds(50))
        #expect(harness.sink.responses(to: 2).isEmpty)
        #expect(harness.observer.records(for: .int(2)).count == 1)
    }

    @Test func aRequestBeyondTheQueueIsRefusedAsBusyAtOnce() async throws {
        let (harness, routes) = harness(queue: 2)
        await fill(harness, routes)
        for id in 2...4 { harness.receive(json: SessionHarness.request(.int(Int64(id)), "slow")) }
        let response = try #require(harness.sink.responses(to: 4).first)
        #expect(response.errorCode == Int64(JSONRPCError.serverBusyCode))
        #expect(response["error"]?["message"]?.stringValue?.hasPrefix("Server busy") == true)
        let record = try #require(harness.observer.records(for: .int(4)).first)
        #expect(record.outcome == .rejected(code: JSONRPCError.serverBusyCode, message: record.outcome.message))
        // Not sticky: once a place frees, the next request is queued again.
        cancel(2, in: harness)
        harness.receive(json: SessionHarness.request(5, "slow"))
        #expect(harness.sink.responses(to: 5).isEmpty)
        #expect(waiting(harness) == 2)
        await harness.session.close(grace: .milliseconds(50))
    }

    @Test func theQueueIsBoundedInBytesButAlwaysTakesOneRequest() async throws {
        let (harness, routes) = harness(queuedBytes: 10)
        await fill(harness, routes)
        harness.receive(json: SessionHarness.request(2, "echo", ["pad": "larger than the byte bound"]))
        harness.receive(json: SessionHarness.request(3, "echo"))
        #expect(waiting(harness) == 1)
        #expect(harness.sink.responses(to: 3).first?.errorCode == Int64(JSONRPCError.serverBusyCode))
        cancel(1, in: harness)
        #expect(await harness.sink.waitForResponse(to: 2)?["result"]?["pad"] != nil)
    }

    @Test func aDuplicateOfAWaitingIDIsInvalidRequest() async throws {
        let (harness, routes) = harness()
        await fill(harness, routes)
        harness.receive(json: SessionHarness.request(2, "slow"))
        harness.receive(json: SessionHarness.request(2, "echo"))
        #expect(harness.sink.responses(to: 2).first?.errorCode == -32600)
        #expect(waiting(harness) == 1)
        await harness.session.close(grace: .milliseconds(50))
    }

    @Test func closingDropsWaitingRequestsUnrun() async {
        let (harness, routes) = harness()
        await fill(harness, routes)
        harness.receive(json: SessionHarness.request(2, "slow"))
        await harness.session.close(grace: .milliseconds(50))
        #expect(routes.started.elements == [.int(1)])
        #expect(harness.observer.records(for: .int(2)).map(\.outcome) == [.cancelled])
        #expect(harness.sink.responses(to: 2).isEmpty)
        #expect(waiting(harness) == 0)
        #expect(harness.session.state.withLock { $0.running } == 0)
    }

    @Test func everyCreditComesBackAfterABurst() async {
        let routes = TestRoutes()
        let harness = SessionHarness(router: routes.router, maxConcurrentRequests: 4)
        harness.initialize()
        for id in 0..<200 { harness.receive(json: SessionHarness.request(.int(Int64(id)), "echo")) }
        let answers = await harness.sink.waitForMessages(timeout: .seconds(30)) { messages in
            messages.filter { $0["result"] != nil && $0["id"]?.intValue != nil }.count >= 200
        }
        #expect(answers.filter { $0["result"] == [:] }.count >= 200)
        await harness.session.close()
        #expect(harness.session.state.withLock { ($0.running, $0.waiting.count, $0.inFlight.count) } == (0, 0, 0))
    }

    // MARK: batches (2025-03-26)

    @Test func aBatchLargerThanTheLimitCompletes() async throws {
        let (harness, _) = harness(queue: 8, version: .v2025_03_26)
        let ids = (0..<6).map { JSONValue.int(Int64($0)) }
        harness.receive(json: .array(ids.map { SessionHarness.request($0, "echo", ["n": $0]) }))
        let messages = await harness.sink.waitForMessages { $0.contains { $0.arrayValue != nil } }
        let answers = try #require(messages.compactMap(\.arrayValue).first)
        #expect(Set(answers.map { $0["id"] ?? .null }) == Set(ids))
        #expect(answers.allSatisfy { $0["result"]?["n"] == $0["id"] })
    }

    @Test func aBatchWaitsForACreditHeldByAnotherRequest() async throws {
        let (harness, routes) = harness(version: .v2025_03_26)
        harness.receive(json: SessionHarness.request("g", "gated"))
        harness.receive(json: .array([SessionHarness.request(1, "echo"), SessionHarness.request(2, "echo")]))
        #expect(waiting(harness) == 2)
        #expect(harness.sink.messages.allSatisfy { $0.arrayValue == nil })
        routes.gate.open()
        let messages = await harness.sink.waitForMessages { $0.contains { $0.arrayValue != nil } }
        let answers = try #require(messages.compactMap(\.arrayValue).first)
        #expect(Set(answers.map { $0["id"] ?? .null }) == [1, 2])
    }

    @Test func batchMembersBeyondTheQueueAreBusyInTheArray() async throws {
        let (harness, routes) = harness(queue: 1, version: .v2025_03_26)
        harness.receive(json: SessionHarness.request("g", "gated"))
        harness.receive(json: .array([SessionHarness.request(1, "echo"), SessionHarness.request(2, "echo")]))
        routes.gate.open()
        let messages = await harness.sink.waitForMessages { $0.contains { $0.arrayValue != nil } }
        let answers = try #require(messages.compactMap(\.arrayValue).first)
        let byID = Dictionary(answers.map { ($0["id"] ?? .null, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byID[1]?["result"] == [:])
        #expect(byID[2]?.errorCode == Int64(JSONRPCError.serverBusyCode))
    }

    @Test func aCancelledWaitingBatchMemberIsLeftOutOfTheArray() async throws {
        let (harness, routes) = harness(version: .v2025_03_26)
        harness.receive(json: SessionHarness.request("g", "gated"))
        harness.receive(json: .array([SessionHarness.request(1, "echo"), SessionHarness.request(2, "echo")]))
        cancel(1, in: harness)
        routes.gate.open()
        let messages = await harness.sink.waitForMessages { $0.contains { $0.arrayValue != nil } }
        let answers = try #require(messages.compactMap(\.arrayValue).first)
        #expect(answers.map { $0["id"] ?? .null } == [2])
        #expect(harness.observer.records(for: .int(1)).map(\.outcome) == [.cancelled])
    }
}

extension RequestRecord.Outcome {
    /// The message of a rejection or error, for comparisons.
    fileprivate var message: String {
        switch self {
        case .rejected(_, let message), .error(_, let message): return message
        case .ok, .cancelled: return ""
        }
    }
}

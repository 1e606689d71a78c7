import Dispatch
import Synchronization
import Testing

@testable import BastionProtocol

/// The session's state, `close` and the audit ordering (MCPSession.swift).
struct MCPSessionTests {
    @Test func aNewSessionIsNotInitialized() {
        let harness = SessionHarness(id: "s-42")
        #expect(harness.session.id == "s-42")
        #expect(harness.session.negotiatedVersion == nil)
        #expect(harness.session.clientInfo == nil)
        #expect(harness.sink.messages.isEmpty)
        #expect(harness.observer.records.isEmpty)
    }

    @Test func configurationDefaultsAreSafe() {
        let configuration = MCPSession.Configuration(
            identity: SessionHarness.identity,
            capabilities: ServerCapabilities()
        )
        #expect(configuration.limits == .default)
        #expect(configuration.requestTimeout == .seconds(60))
        #expect(configuration.maxConcurrentRequests == 256)
    }

    // MARK: dropped answers

    @Test func whatAHandlerUndoesIfUnansweredRunsOnlyWhenTheAnswerIsDropped() async throws {
        let dropped = Atomic(0)
        var router = RequestRouter()
        router.on("make") { _, context throws(JSONRPCError) in
            context.onUnanswered { dropped.add(1, ordering: .relaxed) }
            try? await Task.sleep(for: context.id == .int(1) ? .seconds(30) : .zero)
            return [:]
        }
        let harness = SessionHarness(router: router)
        harness.initialize()
        harness.receive(json: SessionHarness.request(2, "make"))
        _ = await harness.sink.waitForResponse(to: 2)
        #expect(dropped.load(ordering: .relaxed) == 0)
        harness.receive(json: SessionHarness.request(1, "make"))
        try await Task.sleep(for: .milliseconds(50))
        harness.receive(json: SessionHarness.notification("notifications/cancelled", ["requestId": 1]))
        let deadline = ContinuousClock.now + .seconds(10)
        while dropped.load(ordering: .relaxed) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(dropped.load(ordering: .relaxed) == 1)
        #expect(harness.sink.responses(to: 1).isEmpty)
    }

    @Test func anAnswerThePeerCannotTakeIsDroppedAndUndone() async throws {
        // Review 14, finding 7: over HTTP a client that closed its stream never gets the task id
        // of its answer; the task must not live on unseen.
        let dropped = Atomic(0)
        var router = RequestRouter()
        router.on("make") { _, context in
            context.onUnanswered { dropped.add(1, ordering: .relaxed) }
            return [:]
        }
        let harness = SessionHarness(router: router, sink: RecordingSink(isAccepting: false))
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "make"))
        let deadline = ContinuousClock.now + .seconds(10)
        while dropped.load(ordering: .relaxed) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(dropped.load(ordering: .relaxed) == 1)
    }

    // MARK: close

    @Test func closingAnIdleSessionTellsTheObserverOnce() async {
        let harness = SessionHarness(id: "s-idle")
        harness.initialize()
        await harness.session.close(grace: .seconds(30))
        #expect(harness.observer.closedSessions == ["s-idle"])
    }

    @Test func closeCancelsWorkStillRunningAfterTheGracePeriod() async throws {
        let routes = TestRoutes()
        let harness = SessionHarness(router: routes.router, id: "s-close")
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "slow"))
        _ = await routes.started.wait(forCount: 1)
        await harness.session.close(grace: .milliseconds(50))
        // close returns only after the handler stopped and was recorded.
        #expect(routes.interrupted.elements == [.int(1)])
        #expect(harness.observer.records(for: .int(1)).map(\.outcome) == [.cancelled])
        #expect(harness.sink.responses(to: 1).isEmpty)
        #expect(harness.observer.closedSessions == ["s-close"])
    }

    @Test func closeAbandonsAHandlerThatIgnoresCancellationAfterOneSecond() async throws {
        // A handler blocked where cancellation cannot reach it (a write(2) to a peer that stopped
        // reading) must not hold close, and with it the server's shutdown, forever.
        let release = DispatchSemaphore(value: 0)
        let started = Gate()
        let finished = Atomic<Bool>(false)
        var router = RequestRouter()
        router.on("stubborn") { _, _ in
            started.open()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    release.wait()
                    continuation.resume()
                }
            }
            finished.store(true, ordering: .releasing)
            return [:]
        }
        let harness = SessionHarness(router: router)
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "stubborn"))
        #expect(await started.wait())
        // Frees the handler in any case, so a broken close ends the test instead of hanging it.
        let failsafe = Task.detached {
            try? await Task.sleep(for: .seconds(8))
            release.signal()
        }
        await harness.session.close(grace: .milliseconds(50))
        let closedFirst = !finished.load(ordering: .acquiring)
        failsafe.cancel()
        release.signal()
        #expect(closedFirst)
        #expect(harness.observer.closedSessions.count == 1)
    }

    @Test func closeLetsRequestsFinishWithinTheGracePeriod() async throws {
        let routes = TestRoutes()
        let harness = SessionHarness(router: routes.router)
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "gated"))
        async let closing: Void = harness.session.close(grace: .seconds(30))
        routes.gate.open()
        await closing
        #expect(harness.sink.responses(to: 1).first?["result"] == ["done": true])
        #expect(harness.observer.records(for: .int(1)).map(\.outcome) == [.ok])
    }

    @Test func requestsAfterCloseAreRefused() async throws {
        let routes = TestRoutes()
        let harness = SessionHarness(router: routes.router)
        harness.initialize()
        await harness.session.close(grace: .milliseconds(50))
        harness.receive(json: SessionHarness.request(2, "echo", [:]))
        let response = try #require(harness.sink.responses(to: 2).first)
        #expect(response.errorCode == -32600)
        #expect(response["error"]?["message"]?.stringValue?.contains("closing") == true)
    }

    @Test func initializeAfterCloseIsRefused() async throws {
        let harness = SessionHarness()
        await harness.session.close(grace: .milliseconds(50))
        let response = try #require(harness.initialize(id: 1))
        #expect(response.errorCode == -32600)
    }

    // MARK: audit ordering

    @Test func theObserverRecordsEachRequestBeforeItsResponseIsWritten() async throws {
        let observer = RecordingObserver()
        // For each message written: its id, and the ids the observer had recorded at that moment.
        let writes = Recorder<(id: JSONValue?, recorded: [RequestID?])>()
        let sink = RecordingSink { message in
            writes.append((message["id"], observer.records.map(\.id)))
        }
        let harness = SessionHarness(router: TestRoutes().router, sink: sink, observer: observer)
        harness.receive(json: SessionHarness.request("early", "tools/list"))
        harness.initialize(id: "init")
        harness.receive(json: SessionHarness.request(1, "ping"))
        harness.receive(json: SessionHarness.request(2, "echo", ["a": 1]))
        harness.receive(json: SessionHarness.request(3, "fail"))
        harness.receive(json: SessionHarness.request(4, "nope"))
        harness.receive("{broken")
        harness.receive(#"{"jsonrpc":"2.0","id":5,"method":7}"#)
        harness.session.receiveOversizedFrame(byteCount: 10_000_000)
        let ids: [JSONValue] = ["early", "init", 1, 2, 3, 4, 5]
        _ = await harness.sink.waitForMessages { messages in
            ids.allSatisfy { id in messages.contains { $0["id"] == id } }
        }
        let written = writes.elements
        #expect(written.count == 9)
        var answersWithoutID = 0
        for write in written {
            if let id = write.id, id != .null {
                #expect(write.recorded.contains(RequestID(json: id)), "response to \(id) written before its record")
            } else {
                // Each refusal with a null id needs its own record, written before it.
                answersWithoutID += 1
                #expect(write.recorded.filter { $0 == nil }.count >= answersWithoutID)
            }
        }
        #expect(answersWithoutID == 2)
    }
}

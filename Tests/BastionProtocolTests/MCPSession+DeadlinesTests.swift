import Dispatch
import Synchronization
import Testing

@testable import BastionProtocol

struct MCPSessionDeadlinesTests {
    /// A route that sleeps `ms` (cancellably) and answers whether its context timed out.
    private func router(extendingBy extra: Duration?) -> RequestRouter {
        var router = RequestRouter()
        // Inline: the handler starts on the receiving thread, so the extension is in place before
        // the watchdog can look, however loaded the machine is.
        router.on("slow", start: .inline) { params, context throws(JSONRPCError) in
            if let extra { context.extendDeadline(by: extra) }
            try? await Task.sleep(for: .milliseconds(params?["ms"]?.intValue ?? 0))
            return ["timedOut": .bool(context.isTimedOut)]
        }
        return router
    }

    @Test func aRequestPastItsDeadlineIsMarkedTimedOut() async {
        let harness = SessionHarness(router: router(extendingBy: nil), handlerDeadline: .milliseconds(50))
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "slow", ["ms": 5_000]))
        let response = await harness.sink.waitForResponse(to: 1)
        #expect(response?["result"]?["timedOut"] == true)
    }

    @Test func anExtendedDeadlineLetsTheRequestFinish() async {
        let harness = SessionHarness(router: router(extendingBy: .seconds(60)), handlerDeadline: .milliseconds(50))
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "slow", ["ms": 300]))
        let response = await harness.sink.waitForResponse(to: 1)
        #expect(response?["result"]?["timedOut"] == false)
    }

    @Test func aFinishedRequestWhoseAnswerIsStillBeingWrittenDoesNotMakeTheWatchdogSpin() async throws {
        // The answer's write blocks (a client reading slowly) past the deadline: the request has
        // nothing left to expire, and the watchdog must wait for real work instead of looping.
        let writing = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let sink = RecordingSink { message in
            guard message["id"] == 1 else { return }
            writing.signal()
            release.wait()
        }
        var router = RequestRouter()
        router.on("quick") { _, _ in [:] }
        let harness = SessionHarness(router: router, handlerDeadline: .milliseconds(20), sink: sink)
        harness.initialize()
        harness.receive(json: SessionHarness.request(1, "quick"))
        // Counted and released off the cooperative pool: a spinning watchdog would hold one of
        // its threads, and the write holds another.
        let rounds = Atomic<Int>(-1)
        let session = harness.session
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                writing.wait()
                usleep(300_000)
                rounds.store(session.watchdogRounds, ordering: .releasing)
                release.signal()
                continuation.resume()
            }
        }
        let counted = rounds.load(ordering: .acquiring)
        #expect(counted >= 0 && counted < 50, "the watchdog made \(counted) rounds in 300 ms")
        #expect(await harness.sink.waitForResponse(to: 1) != nil)
        await harness.session.close(grace: .milliseconds(50))
    }
}

#if canImport(Glibc)
import Glibc
#endif

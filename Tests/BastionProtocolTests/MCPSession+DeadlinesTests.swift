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
}

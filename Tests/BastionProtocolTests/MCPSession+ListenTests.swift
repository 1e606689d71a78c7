import Testing

@testable import BastionProtocol

/// `subscriptions/listen` delivery on a 2026-07-28 connection (MCPSession+Listen.swift).
struct MCPSessionListenTests {
    private func modernHarness() -> SessionHarness {
        let harness = SessionHarness(router: TestRoutes().router)
        harness.receive(
            json: SessionHarness.request(
                0,
                "server/discover",
                [
                    "_meta": [
                        ModernEnvelope.Key.protocolVersion: "2026-07-28", ModernEnvelope.Key.clientCapabilities: [:],
                    ]
                ]
            )
        )
        return harness
    }

    @Test func theAcknowledgementComesFirstThenTaggedCopiesForEachListenThatAsked() {
        let harness = modernHarness()
        let session = harness.session
        session.beginListen(.int(7), filter: ListenFilter(toolsListChanged: true), honored: ["toolsListChanged": true])
        session.beginListen(.int(8), filter: ListenFilter(resourceURIs: ["file:///a"]), honored: [:])
        session.notify(method: "notifications/tools/list_changed")
        session.notify(method: "notifications/resources/updated", params: ["uri": "file:///a"])
        session.notify(method: "notifications/resources/updated", params: ["uri": "file:///b"])
        let sent = harness.sink.messages.filter { $0["method"] != nil }
        #expect(
            sent.map { $0["method"]?.stringValue ?? "" } == [
                "notifications/subscriptions/acknowledged", "notifications/subscriptions/acknowledged",
                "notifications/tools/list_changed", "notifications/resources/updated",
            ]
        )
        #expect(sent[0]["params"]?["_meta"]?[ListenFilter.subscriptionIDKey] == 7)
        #expect(sent[2]["params"]?["_meta"]?[ListenFilter.subscriptionIDKey] == 7)
        #expect(sent[3]["params"]?["_meta"]?[ListenFilter.subscriptionIDKey] == 8)
        #expect(sent[3]["params"]?["uri"] == "file:///a")
    }

    @Test func withoutAListenAModernConnectionGetsNoChangeNotification() {
        let harness = modernHarness()
        let before = harness.sink.messages.count
        harness.session.notify(method: "notifications/tools/list_changed")
        #expect(harness.sink.messages.count == before)
        // Progress is no change notification: it still goes out.
        harness.session.notify(method: "notifications/progress", params: ["progressToken": 1, "progress": 1])
        #expect(harness.sink.messages.count == before + 1)
    }

    @Test func endingAListenGivesBackTheURIsNoOtherListenWatches() {
        let harness = modernHarness()
        let session = harness.session
        session.beginListen(.int(1), filter: ListenFilter(resourceURIs: ["a", "b"]), honored: [:])
        session.beginListen(.int(2), filter: ListenFilter(resourceURIs: ["b"]), honored: [:])
        #expect(session.endListen(.int(1)) == ["a"])
        #expect(session.endListen(.int(1)) == [])
        #expect(session.endListen(.int(2)) == ["b"])
    }

    @Test func aHandshakeConnectionKeepsItsUnsolicitedNotifications() {
        let harness = SessionHarness()
        harness.initialize()
        let before = harness.sink.messages.count
        harness.session.notify(method: "notifications/tools/list_changed")
        #expect(harness.sink.messages.count == before + 1)
    }
}

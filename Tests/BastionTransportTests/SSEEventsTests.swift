import NIOCore
import Synchronization
import Testing

@testable import BastionTransport

/// Messages as SSE events, with their source's ids (SSEEvents.swift).
struct SSEEventsTests {
    private static func source(_ messages: [SSEEvents.Message]) -> @Sendable () async -> SSEEvents.Message? {
        let remaining = Mutex(messages)
        return { remaining.withLock { $0.isEmpty ? nil : $0.removeFirst() } }
    }

    @Test func aSessionsEventsCarryTheirIDs() async {
        var seen: [String] = []
        let messages = [
            SSEEvents.Message(id: "a-2-1", json: Array("{}".utf8)), .init(id: "a-2-2", json: Array("[]".utf8)),
        ]
        for await event in SSEEvents(next: Self.source(messages)) { seen.append(String(buffer: event)) }
        #expect(seen == ["id: a-2-1\nevent: message\ndata: {}\n\n", "id: a-2-2\nevent: message\ndata: []\n\n"])
    }

    @Test func anExchangesEventsHaveNoID() async {
        var seen: [String] = []
        for await event in SSEEvents(next: Self.source([.init(json: Array("{}".utf8))])) {
            seen.append(String(buffer: event))
        }
        #expect(seen == ["event: message\ndata: {}\n\n"])
    }
}

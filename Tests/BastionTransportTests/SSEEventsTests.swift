import NIOCore
import Synchronization
import Testing

@testable import BastionTransport

/// Messages as numbered SSE events (SSEEvents.swift).
struct SSEEventsTests {
    private static func source(_ messages: [String]) -> @Sendable () async -> [UInt8]? {
        let remaining = Mutex(messages.map { Array($0.utf8) })
        return { remaining.withLock { $0.isEmpty ? nil : $0.removeFirst() } }
    }

    @Test func aSessionsEventsAreNumberedFromTheFirstSequence() async {
        var seen: [String] = []
        for await event in SSEEvents(stream: 2, firstSequence: 1, next: Self.source(["{}", "[]"])) {
            seen.append(String(buffer: event))
        }
        #expect(seen == ["id: 2-1\nevent: message\ndata: {}\n\n", "id: 2-2\nevent: message\ndata: []\n\n"])
    }

    @Test func anExchangesEventsHaveNoID() async {
        var seen: [String] = []
        for await event in SSEEvents(next: Self.source(["{}"])) { seen.append(String(buffer: event)) }
        #expect(seen == ["event: message\ndata: {}\n\n"])
    }
}

import Testing

@testable import BastionTransport

/// Waiting for a request's first message, with patience (FirstMessage.swift).
struct FirstMessageTests {
    @Test func aQuickMessageIsReturned() async {
        guard case .message(let value) = await FirstMessage.wait(patience: .seconds(5), { 42 }) else {
            Issue.record("a quick message was late")
            return
        }
        #expect(value == 42)
    }

    @Test func aSlowMessageIsLateAndStillDelivered() async {
        // The message comes only once the wait has given up, however slow the machine (a sleep
        // of 200 ms lost the race against a loaded ticker in a fresh-clone run).
        let (release, continuation) = AsyncStream.makeStream(of: Int.self)
        let outcome = await FirstMessage.wait(patience: .milliseconds(20)) { () async -> Int? in
            var iterator = release.makeAsyncIterator()
            return await iterator.next()
        }
        guard case .late(let pending) = outcome else {
            Issue.record("a slow message was not late")
            return
        }
        continuation.yield(7)
        #expect(await pending.value == 7)
    }

    @Test func anEndedSourceIsAMessageOfNil() async {
        guard case .message(nil) = await FirstMessage.wait(patience: .seconds(5), { () async -> Int? in nil }) else {
            Issue.record("an ended source was not nil")
            return
        }
    }
}

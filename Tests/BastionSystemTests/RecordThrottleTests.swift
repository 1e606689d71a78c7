import Synchronization
import Testing

@testable import BastionSystem

/// Per-key throttling of records (RecordThrottle.swift): what is emitted at once, what is
/// counted, and that nothing a burst held back is lost.
struct RecordThrottleTests {
    final class Emitted: Sendable {
        let items = Mutex<[(String, Int)]>([])
        var all: [(String, Int)] { items.withLock { $0 } }
    }

    let emitted = Emitted()
    let start = ContinuousClock.now

    func throttle(maxKeys: Int = 32) -> RecordThrottle<String, String> {
        RecordThrottle(maxKeys: maxKeys, overflowKey: "*", flushesItself: false) { [emitted] item, count in
            emitted.items.withLock { $0.append((item, count)) }
        }
    }

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func theFirstOfAKeyIsEmittedAtOnceAndTheRestCounted() {
        let throttle = throttle()
        for index in 0..<100 { throttle.note("a\(index)", key: "a", now: at(index)) }
        #expect(emitted.all.map(\.0) == ["a0"])
        throttle.flush(now: at(1000))
        #expect(emitted.all.map(\.0) == ["a0", "a99"])
        #expect(emitted.all.map(\.1) == [1, 99])
    }

    @Test func keysAreTalliedApart() {
        let throttle = throttle()
        throttle.note("a", key: "a", now: at(0))
        throttle.note("b", key: "b", now: at(1))
        throttle.note("a again", key: "a", now: at(2))
        #expect(emitted.all.map(\.0) == ["a", "b"])
        throttle.flush(now: at(1000))
        #expect(emitted.all.map(\.1) == [1, 1, 1])
    }

    /// Review 14, finding 6: the count of a burst that nothing follows is still written.
    @Test func aBurstsCountIsFlushedWithoutALaterEvent() {
        let throttle = throttle()
        for index in 0..<5 { throttle.note("x", key: "k", now: at(index)) }
        throttle.flush(now: at(500))
        #expect(emitted.all.count == 1)  // not yet: the interval is not over
        throttle.flush(now: at(1004))
        #expect(emitted.all.map(\.1) == [1, 4])
    }

    @Test func aQuietKeyIsEmittedAtOnceAgainAndForgotten() {
        let throttle = throttle()
        throttle.note("x", key: "k", now: at(0))
        throttle.note("y", key: "k", now: at(1500))
        #expect(emitted.all.map(\.1) == [1, 1])
        throttle.flush(now: at(3000))
        #expect(throttle.liveKeys == 0)
    }

    @Test func keysPastTheCapShareTheOverflowKey() {
        let throttle = throttle(maxKeys: 4)
        for index in 0..<1000 { throttle.note("from \(index)", key: "addr-\(index)", now: at(0)) }
        // Four keys and the overflow's first: five emissions for a thousand senders.
        #expect(emitted.all.count == 5)
        throttle.flush(now: at(1000))
        #expect(emitted.all.last?.1 == 995)
        #expect(throttle.liveKeys <= 5)
    }

    @Test func aFullTableForgetsQuietKeysBeforeOverflowing() {
        let throttle = throttle(maxKeys: 2)
        throttle.note("a", key: "a", now: at(0))
        throttle.note("b", key: "b", now: at(0))
        throttle.note("c", key: "c", now: at(2000))
        throttle.note("c again", key: "c", now: at(2001))
        throttle.flush(now: at(3001))
        #expect(emitted.all.map(\.0) == ["a", "b", "c", "c again"])
    }

    /// Review 15, finding 3: an event after the interval, before the timer, carries the count
    /// it held back instead of dropping it.
    @Test func aDueTallyGoesOutWithTheNextEvent() {
        let throttle = throttle()
        throttle.note("a", key: "k", now: at(0))
        throttle.note("b", key: "k", now: at(500))
        throttle.note("c", key: "k", now: at(1000))
        #expect(emitted.all.map(\.1).reduce(0, +) == 3)
        #expect(emitted.all.map(\.0) == ["a", "c"])
    }

    /// Review 15, finding 4: one group varying its keys fills its own share, not the others'.
    @Test func aGroupPastItsShareUsesItsOwnOverflow() {
        let throttle = RecordThrottle<String, String>(
            maxKeys: 16,
            overflowKey: "*",
            maxKeysPerGroup: 3,
            group: { key in key.split(separator: "/").first.map { "\($0)/overflow" } },
            flushesItself: false
        ) { [emitted] item, count in emitted.items.withLock { $0.append((item, count)) } }
        for index in 0..<100 { throttle.note("attacker \(index)", key: "a/\(index)", now: at(0)) }
        throttle.note("victim", key: "b/1", now: at(1))
        #expect(emitted.all.map(\.0).contains("victim"))
        #expect(emitted.all.count == 5)  // three keys of a, a's overflow, b
        #expect(throttle.liveKeys == 5)
    }

    @Test func drainingEmitsWhatIsNotDueYet() {
        let throttle = throttle()
        throttle.note("a", key: "a", now: at(0))
        throttle.note("a2", key: "a", now: at(1))
        throttle.note("b", key: "b", now: at(2))
        throttle.drain()
        #expect(emitted.all.map(\.0) == ["a", "b", "a2"])
        #expect(throttle.liveKeys == 0)
    }

    @Test func theTimerFlushesByItself() async throws {
        let throttle = RecordThrottle<String, String>(interval: .milliseconds(50), overflowKey: "*") {
            [emitted] item, count in emitted.items.withLock { $0.append((item, count)) }
        }
        throttle.note("x", key: "k")
        throttle.note("y", key: "k")
        for _ in 0..<100 where emitted.all.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(emitted.all.map(\.1) == [1, 1])
        #expect(emitted.all.last?.0 == "y")
    }
}

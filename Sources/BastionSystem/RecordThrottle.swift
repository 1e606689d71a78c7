import Synchronization

/// Keeps a flood of like events from flooding a log: per key, the first event of a quiet
/// period is emitted at once; the ones after it within `interval` are counted, and the latest
/// of them is emitted with that count once the interval is over (by a timer, so the end of a
/// burst is not lost when nothing follows it).
///
/// Keys are bounded: past `maxKeys` live keys, new keys share `overflowKey`, so a sender who
/// varies the key (its address, its client id) still gets at most `maxKeys + 1` emissions per
/// interval. Shared by the transport's connection refusals and the service's refusal records.
package final class RecordThrottle<Key: Hashable & Sendable, Item: Sendable>: Sendable {
    private struct Tally {
        var emittedAt: ContinuousClock.Instant
        var pending = 0
        var latest: Item?
    }

    private struct State {
        var tallies: [Key: Tally] = [:]
        var flushScheduled = false
    }

    private let state = Mutex(State())
    private let emit: @Sendable (Item, Int) -> Void
    private let overflowKey: Key
    /// The shortest time between two emissions of one key.
    package let interval: Duration
    /// The most keys tallied apart.
    package let maxKeys: Int
    private let flushesItself: Bool

    /// - Parameters:
    ///   - interval: The shortest time between two emissions of one key.
    ///   - maxKeys: The most keys tallied apart; further keys are tallied as `overflowKey`.
    ///   - overflowKey: The key of every key past `maxKeys`.
    ///   - flushesItself: Whether a timer emits the counts a burst leaves (tests call ``flush(now:)``).
    ///   - emit: Writes one event and how many it stands for (1 or more).
    package init(
        interval: Duration = .seconds(1),
        maxKeys: Int = 32,
        overflowKey: Key,
        flushesItself: Bool = true,
        emit: @escaping @Sendable (Item, Int) -> Void
    ) {
        self.interval = interval
        self.maxKeys = max(1, maxKeys)
        self.overflowKey = overflowKey
        self.flushesItself = flushesItself
        self.emit = emit
    }

    /// Notes one event: emitted now when its key has been quiet for `interval`, else counted.
    package func note(_ item: Item, key: Key, now: ContinuousClock.Instant = .now) {
        let (emitNow, scheduleFlush) = state.withLock { state -> (Bool, Bool) in
            var key = key
            if state.tallies[key] == nil, state.tallies.count >= maxKeys {
                // Full: first forget the keys that have been quiet for an interval (at most maxKeys).
                state.tallies = state.tallies.filter {
                    $0.value.pending > 0 || $0.value.emittedAt.duration(to: now) < interval
                }
                if state.tallies.count >= maxKeys { key = overflowKey }
            }
            guard var tally = state.tallies[key], tally.emittedAt.duration(to: now) < interval else {
                state.tallies[key] = Tally(emittedAt: now)
                return (true, false)
            }
            tally.pending += 1
            tally.latest = item
            state.tallies[key] = tally
            guard flushesItself, !state.flushScheduled else { return (false, false) }
            state.flushScheduled = true
            return (false, true)
        }
        if emitNow { emit(item, 1) }
        if scheduleFlush { scheduleTimer() }
    }

    /// Emits every count whose interval is over, and forgets keys quiet for a whole interval.
    package func flush(now: ContinuousClock.Instant = .now) {
        let (due, again) = state.withLock { state -> ([(Item, Int)], Bool) in
            var due: [(Item, Int)] = []
            for (key, var tally) in state.tallies where tally.emittedAt.duration(to: now) >= interval {
                guard tally.pending > 0, let latest = tally.latest else {
                    state.tallies[key] = nil
                    continue
                }
                due.append((latest, tally.pending))
                tally = Tally(emittedAt: now)
                state.tallies[key] = tally
            }
            let again = flushesItself && state.tallies.values.contains { $0.pending > 0 }
            state.flushScheduled = again
            return (due, again)
        }
        for (item, count) in due { emit(item, count) }
        if again { scheduleTimer() }
    }

    /// Emits every count now, due or not, and forgets every key: for a log about to close.
    package func drain() {
        let due = state.withLock { state -> [(Item, Int)] in
            defer { state.tallies = [:] }
            return state.tallies.values.compactMap { tally in tally.latest.map { ($0, tally.pending) } }
                .filter { $0.1 > 0 }
        }
        for (item, count) in due { emit(item, count) }
    }

    /// The keys tallied now (for tests).
    package var liveKeys: Int { state.withLock { $0.tallies.count } }

    private func scheduleTimer() {
        Task { [interval] in
            try? await Task.sleep(for: interval)
            self.flush()
        }
    }
}

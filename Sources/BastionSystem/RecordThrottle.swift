import Synchronization

/// Keeps a flood of like events from flooding a log: per key, the first event of a quiet
/// period is emitted at once; the ones after it within `interval` are counted, and the latest
/// of them is emitted with that count once the interval is over (by a timer, so the end of a
/// burst is not lost when nothing follows it; or by the next event, whichever comes first).
///
/// Keys are bounded twice. Keys may belong to a group (a sender's address): past
/// `maxKeysPerGroup` live keys of one group, its new keys share that group's own overflow key,
/// so one sender varying its keys (a made-up keyid per request) fills only its own share and
/// cannot push other senders' events out of sight. Past `maxKeys` live keys in all, new keys
/// share `overflowKey`. Shared by the transport's connection refusals and the service's
/// refusal records.
package final class RecordThrottle<Key: Hashable & Sendable, Item: Sendable>: Sendable {
    private struct Tally {
        var emittedAt: ContinuousClock.Instant
        var pending = 0
        var latest: Item?
        var group: Key?
    }

    private struct State {
        var tallies: [Key: Tally] = [:]
        var groupSizes: [Key: Int] = [:]
        var flushScheduled = false

        mutating func insert(_ key: Key, _ tally: Tally) {
            if tallies.updateValue(tally, forKey: key) == nil, let group = tally.group {
                groupSizes[group, default: 0] += 1
            }
        }

        mutating func remove(_ key: Key) {
            guard let group = tallies.removeValue(forKey: key)?.group else { return }
            let size = (groupSizes[group] ?? 1) - 1
            groupSizes[group] = size > 0 ? size : nil
        }
    }

    private let state = Mutex(State())
    private let emit: @Sendable (Item, Int) -> Void
    private let overflowKey: Key
    private let groupOf: @Sendable (Key) -> Key?
    /// The shortest time between two emissions of one key.
    package let interval: Duration
    /// The most keys tallied apart.
    package let maxKeys: Int
    /// The most keys of one group tallied apart (its overflow key included).
    package let maxKeysPerGroup: Int
    private let flushesItself: Bool

    /// - Parameters:
    ///   - interval: The shortest time between two emissions of one key.
    ///   - maxKeys: The most keys tallied apart; further keys are tallied as `overflowKey`.
    ///   - overflowKey: The key of every key past `maxKeys`.
    ///   - maxKeysPerGroup: The most keys of one group tallied apart.
    ///   - group: A key's group's overflow key (the key its group's extra keys share), or `nil`
    ///     for a key in no group.
    ///   - flushesItself: Whether a timer emits the counts a burst leaves (tests call ``flush(now:)``).
    ///   - emit: Writes one event and how many it stands for (1 or more).
    package init(
        interval: Duration = .seconds(1),
        maxKeys: Int = 32,
        overflowKey: Key,
        maxKeysPerGroup: Int = .max,
        group: @escaping @Sendable (Key) -> Key? = { _ in nil },
        flushesItself: Bool = true,
        emit: @escaping @Sendable (Item, Int) -> Void
    ) {
        self.interval = interval
        self.maxKeys = max(1, maxKeys)
        self.overflowKey = overflowKey
        self.maxKeysPerGroup = max(1, maxKeysPerGroup)
        self.groupOf = group
        self.flushesItself = flushesItself
        self.emit = emit
    }

    /// Notes one event: emitted now when its key has been quiet for `interval` (with the count
    /// of the ones it held back), else counted.
    package func note(_ item: Item, key: Key, now: ContinuousClock.Instant = .now) {
        let (emission, scheduleFlush) = state.withLock { state -> (Int?, Bool) in
            let key = self.key(for: key, in: &state, now: now)
            guard var tally = state.tallies[key] else {
                state.insert(key, Tally(emittedAt: now, group: groupOf(key)))
                return (1, false)
            }
            guard tally.emittedAt.duration(to: now) < interval else {
                // Due, and the timer has not come yet: what it held goes out with this one
                // (review 15, finding 3), rather than being dropped by a fresh tally.
                let count = tally.pending + 1
                tally = Tally(emittedAt: now, group: tally.group)
                state.tallies[key] = tally
                return (count, false)
            }
            tally.pending += 1
            tally.latest = item
            state.tallies[key] = tally
            guard flushesItself, !state.flushScheduled else { return (nil, false) }
            state.flushScheduled = true
            return (nil, true)
        }
        if let emission { emit(item, emission) }
        if scheduleFlush { scheduleTimer() }
    }

    /// The key an event of `key` is tallied under: its own, its group's overflow, or the overflow.
    private func key(for key: Key, in state: inout State, now: ContinuousClock.Instant) -> Key {
        guard state.tallies[key] == nil else { return key }
        if state.tallies.count >= maxKeys { forgetQuietKeys(&state, now: now) }
        var chosen = key
        // The group's share is taken: its own overflow key, apart from other groups'.
        if let group = groupOf(key), group != key, state.groupSizes[group, default: 0] >= maxKeysPerGroup {
            chosen = group
        }
        if state.tallies[chosen] == nil, state.tallies.count >= maxKeys { chosen = overflowKey }
        return chosen
    }

    private func forgetQuietKeys(_ state: inout State, now: ContinuousClock.Instant) {
        for (key, tally) in state.tallies where tally.pending == 0 && tally.emittedAt.duration(to: now) >= interval {
            state.remove(key)
        }
    }

    /// Emits every count whose interval is over, and forgets keys quiet for a whole interval.
    package func flush(now: ContinuousClock.Instant = .now) {
        let (due, again) = state.withLock { state -> ([(Item, Int)], Bool) in
            var due: [(Item, Int)] = []
            for (key, var tally) in state.tallies where tally.emittedAt.duration(to: now) >= interval {
                guard tally.pending > 0, let latest = tally.latest else {
                    state.remove(key)
                    continue
                }
                due.append((latest, tally.pending))
                tally = Tally(emittedAt: now, group: tally.group)
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
            defer {
                state.tallies = [:]
                state.groupSizes = [:]
            }
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

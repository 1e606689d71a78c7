import Synchronization

/// The bytes one session's streams may keep for replay (``OutboundStream``'s log of the events
/// it sent), shared by all of them: a session holds at most ``maximumBytes`` however many
/// streams it has, all of a client's sessions together at most ``clientMaximumBytes``, and all
/// sessions of a listener together at most ``listenerMaximumBytes`` (each level the parent of
/// the one below), so 1024 sessions cannot hold 4 GiB.
final class ReplayBudget: Sendable {
    /// Bytes of sent messages a session keeps for resumption, over all its streams.
    static let maximumBytes = 4 << 20
    /// Bytes all of a listener's sessions keep for resumption together.
    static let listenerMaximumBytes = 128 << 20
    /// Bytes all of one client's sessions keep together: an eighth of the listener's, so one
    /// client cannot take every other client's resumption away (review 16).
    static let clientMaximumBytes = listenerMaximumBytes / 8

    let limit: Int
    private let used = Mutex(0)
    /// The listener's budget, charged too; `nil` for the listener's own.
    private let parent: ReplayBudget?

    init(limit: Int = ReplayBudget.maximumBytes, parent: ReplayBudget? = nil) {
        self.limit = limit
        self.parent = parent
    }

    /// A session's ended: what it still held goes back to the listener.
    deinit {
        let held = used.withLock { $0 }
        if held > 0 { parent?.release(held) }
    }

    /// The bytes held now.
    var bytesUsed: Int { used.withLock { $0 } }

    /// Takes `count` bytes; `false` (nothing taken) when they do not fit.
    func reserve(_ count: Int) -> Bool {
        let taken = used.withLock { used -> Bool in
            guard count >= 0, count <= limit - used else { return false }
            used += count
            return true
        }
        guard taken else { return false }
        if let parent, !parent.reserve(count) {
            used.withLock { $0 -= count }
            return false
        }
        return true
    }

    /// Gives back `count` bytes taken before.
    func release(_ count: Int) {
        let released = used.withLock { used -> Int in
            let released = min(used, max(0, count))
            used -= released
            return released
        }
        parent?.release(released)
    }
}

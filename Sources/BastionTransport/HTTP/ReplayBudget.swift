import Synchronization

/// The bytes one session's streams may keep for replay (``OutboundStream``'s log of the events
/// it sent), shared by all of them: a session holds at most ``maximumBytes`` however many
/// streams it has.
final class ReplayBudget: Sendable {
    /// Bytes of sent messages a session keeps for resumption, over all its streams.
    static let maximumBytes = 4 << 20

    let limit: Int
    private let used = Mutex(0)

    init(limit: Int = ReplayBudget.maximumBytes) {
        self.limit = limit
    }

    /// The bytes held now.
    var bytesUsed: Int { used.withLock { $0 } }

    /// Takes `count` bytes; `false` (nothing taken) when they do not fit.
    func reserve(_ count: Int) -> Bool {
        used.withLock { used in
            guard count >= 0, count <= limit - used else { return false }
            used += count
            return true
        }
    }

    /// Gives back `count` bytes taken before.
    func release(_ count: Int) {
        used.withLock { $0 = max(0, $0 - count) }
    }
}

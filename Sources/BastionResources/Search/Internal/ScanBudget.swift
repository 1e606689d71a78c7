import Synchronization

/// The bytes of matched and context lines that a search's scans may hold before they are merged.
///
/// The threads scan ahead of the merge, so without a bound a search could hold the lines of every
/// outstanding file at once (up to `maxResults` lines of 8 KiB each, per file). A scan that would
/// go past the budget stops and is marked deferred; the search then scans that file again on its
/// own thread when its turn comes, one file at a time, as a single-threaded search would.
final class ScanBudget: Sendable {
    /// Bytes held at most.
    let limit: Int
    private let held = Atomic(0)

    /// Creates a budget of `limit` bytes.
    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes held now.
    var heldBytes: Int { held.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget; `false` (and nothing taken) if that would exceed it.
    func reserve(_ bytes: Int) -> Bool {
        var current = held.load(ordering: .relaxed)
        while current + bytes <= limit {
            let (exchanged, original) = held.compareExchange(
                expected: current,
                desired: current + bytes,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives back bytes reserved earlier.
    func release(_ bytes: Int) {
        held.subtract(bytes, ordering: .relaxed)
    }

    /// What a held line costs: its text and the bookkeeping around it.
    static func cost(of text: String) -> Int { text.utf8.count + 64 }
}

import Synchronization

/// Bytes held in a ``MemoryBudget`` until released.
///
/// Released exactly once: by ``release()`` or, at the latest, when the reservation is deallocated,
/// so an error, a cancellation or a forgotten call can never leak budget.
public final class MemoryReservation: Sendable {
    /// The reserved bytes.
    public let byteCount: Int
    private let budget: MemoryBudget
    private let isReleased = Atomic<Bool>(false)

    init(byteCount: Int, budget: MemoryBudget) {
        self.byteCount = byteCount
        self.budget = budget
    }

    deinit { release() }

    /// Gives the bytes back to the budget (waking waiters that now fit); later calls do nothing.
    public func release() {
        guard !isReleased.exchange(true, ordering: .acquiringAndReleasing) else { return }
        budget.discharge(byteCount)
    }

    /// Whether ``release()`` has run.
    public var isHeld: Bool { !isReleased.load(ordering: .acquiring) }
}

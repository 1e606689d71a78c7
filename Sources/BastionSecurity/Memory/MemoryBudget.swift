import Synchronization

/// The process-wide budget of bytes in flight: what answers being built and answers waiting to be
/// written may hold at once, across every session (`[server] memory_budget_mb`).
///
/// A call reserves the memory its answer will need *before* it reads or encodes anything, and the
/// reservation is released once the answer has been written (``MemoryReservation``). A reservation
/// that does not fit waits — asynchronously, never blocking a thread, in arrival order (a large
/// request at the head is not overtaken by smaller ones) — for at most ``maximumWait``, then fails
/// with ``MemoryBudgetError/Code/busy``; a waiting task that is cancelled stops waiting at once.
///
/// Bytes that already exist and cannot wait (a connection's queued output) are ``charge(_:)``d
/// unconditionally: they may take the budget above its limit, and then new reservations wait until
/// they are ``refund(_:)``ed.
public final class MemoryBudget: Sendable {
    private struct Waiter {
        let ticket: UInt64
        let bytes: Int
        /// Set once the waiting task has suspended; a waiter decided before that is in `decided`.
        var continuation: CheckedContinuation<Bool, Never>?
    }

    private struct State {
        var used = 0
        /// Waiting reservations, oldest first.
        var queue: [Waiter] = []
        /// Outcomes of waiters decided (granted or withdrawn) before their task suspended.
        var decided: [UInt64: Bool] = [:]
        var nextTicket: UInt64 = 0
    }

    private enum WaitEvent: Sendable {
        case decided(Bool)
        case timedOut
        case timerStopped
    }

    /// The most bytes reservations may hold at once.
    public let limit: Int
    /// The longest a reservation waits for room before it fails as busy.
    public let maximumWait: Duration
    private let state = Mutex(State())

    /// Creates a budget.
    /// - Parameters:
    ///   - limit: The most bytes reservations may hold at once.
    ///   - maximumWait: The longest a reservation waits for room (default 5 s).
    public init(limit: Int, maximumWait: Duration = .seconds(5)) {
        self.limit = max(0, limit)
        self.maximumWait = maximumWait
    }

    /// Reserves `bytes`, waiting (bounded, in arrival order) while they do not fit.
    /// - Parameter bytes: What the caller's answer will hold at most; negative counts as zero.
    /// - Returns: The reservation; release it once the answer is written (it releases itself when deallocated).
    /// - Throws: ``MemoryBudgetError`` `.tooLarge` at once when `bytes` exceeds the whole budget, `.busy`
    ///   after ``maximumWait``, `.cancelled` when the calling task is cancelled while waiting.
    public func reserve(_ bytes: Int) async throws(MemoryBudgetError) -> MemoryReservation {
        let bytes = max(0, bytes)
        guard bytes <= limit else { throw .tooLarge(bytes: bytes, limit: limit) }
        guard !Task.isCancelled else { throw .cancelled }
        let ticket = state.withLock { state -> UInt64? in
            if bytes == 0 || (state.queue.isEmpty && state.used <= limit - bytes) {
                state.used += bytes
                return nil
            }
            defer { state.nextTicket += 1 }
            state.queue.append(Waiter(ticket: state.nextTicket, bytes: bytes))
            return state.nextTicket
        }
        guard let ticket else { return MemoryReservation(byteCount: bytes, budget: self) }
        guard await wait(for: ticket) else {
            throw Task.isCancelled ? .cancelled : .busy(bytes: bytes, limit: limit, waited: maximumWait)
        }
        return MemoryReservation(byteCount: bytes, budget: self)
    }

    /// Counts bytes that already exist and cannot wait (output queued for a slow reader); they may
    /// take the budget above its limit. Give them back with ``refund(_:)``.
    public func charge(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { $0.used += bytes }
    }

    /// Gives back bytes counted with ``charge(_:)``, waking the waiters that now fit.
    public func refund(_ bytes: Int) {
        discharge(bytes)
    }

    /// The bytes held now (reservations and charges).
    public var bytesInUse: Int { state.withLock { $0.used } }

    /// The reservations waiting now.
    public var waitingCount: Int { state.withLock { $0.queue.count } }

    /// Returns `bytes` to the budget and grants the waiters at the head of the queue that now fit.
    func discharge(_ bytes: Int) {
        guard bytes > 0 else { return }
        let granted = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.used = max(0, state.used - bytes)
            return Self.grantWaiters(&state, limit: limit)
        }
        for continuation in granted { continuation.resume(returning: true) }
    }

    /// Waits until the ticket is granted (`true`), or withdrawn by the timer or a cancellation (`false`).
    private func wait(for ticket: UInt64) async -> Bool {
        let maximumWait = self.maximumWait
        return await withTaskGroup(of: WaitEvent.self) { group in
            group.addTask { .decided(await self.decision(for: ticket)) }
            group.addTask {
                do {
                    try await Task.sleep(for: maximumWait)
                    return .timedOut
                } catch {
                    return .timerStopped
                }
            }
            var isGranted = false
            while let event = await group.next() {
                switch event {
                case .decided(let granted):
                    isGranted = granted
                    group.cancelAll()
                case .timedOut:
                    // A ticket granted just before this is not found and stays granted.
                    withdraw(ticket)
                case .timerStopped:
                    break
                }
            }
            return isGranted
        }
    }

    /// Suspends until the ticket is decided; a cancellation withdraws it.
    private func decision(for ticket: UInt64) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let decided = state.withLock { state -> Bool? in
                    if let decided = state.decided.removeValue(forKey: ticket) { return decided }
                    guard let index = state.queue.firstIndex(where: { $0.ticket == ticket }) else { return false }
                    state.queue[index].continuation = continuation
                    return nil
                }
                if let decided { continuation.resume(returning: decided) }
            }
        } onCancel: {
            withdraw(ticket)
        }
    }

    /// Takes a still-waiting ticket out of the queue (refusing it) and grants those behind it that now fit.
    private func withdraw(_ ticket: UInt64) {
        let (refused, granted) = state.withLock {
            state -> (CheckedContinuation<Bool, Never>?, [CheckedContinuation<Bool, Never>]) in
            guard let index = state.queue.firstIndex(where: { $0.ticket == ticket }) else { return (nil, []) }
            let waiter = state.queue.remove(at: index)
            if waiter.continuation == nil { state.decided[ticket] = false }
            return (waiter.continuation, Self.grantWaiters(&state, limit: limit))
        }
        refused?.resume(returning: false)
        for continuation in granted { continuation.resume(returning: true) }
    }

    /// Grants waiters from the head while they fit; FIFO, so a large head is never overtaken.
    private static func grantWaiters(_ state: inout State, limit: Int) -> [CheckedContinuation<Bool, Never>] {
        var granted: [CheckedContinuation<Bool, Never>] = []
        while let first = state.queue.first, state.used <= limit - first.bytes {
            state.queue.removeFirst()
            state.used += first.bytes
            if let continuation = first.continuation {
                granted.append(continuation)
            } else {
                state.decided[first.ticket] = true
            }
        }
        return granted
    }

    /// `bytes` in MiB with one decimal, for messages (`60.0 MiB`).
    static func mebibytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}

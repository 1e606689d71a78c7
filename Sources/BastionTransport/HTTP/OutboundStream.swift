import BastionProtocol
import Synchronization

/// One response stream of a handshake-era session: a POST's (its requests' answers and what
/// their handlers send) or the standalone one (the GET stream, or 2024-11-05's `/sse`). It
/// finishes once every request it waits for is answered; the standalone one lasts until the
/// client or the session goes away.
///
/// Each message a reader takes gets the stream's next sequence number (from 1; 0 is the
/// priming event) and is kept in a log for resumption — at most ``maximumReplayEvents`` per
/// stream, within the session's ``ReplayBudget`` — so a client whose connection dropped can
/// come back with `Last-Event-ID` (``resume(after:)``): the new reader gets what followed that
/// event, then the rest; the old one, if still reading, gets `nil`.
///
/// A client that stops reading cannot make it grow without bound: past
/// ``maximumQueuedNotifications`` waiting messages, notifications are dropped (an answer never is).
final class OutboundStream: Sendable {
    /// Who reads the stream: the response that opened it (``firstReader``), or the GET that
    /// resumed it last. A reader that has been replaced reads `nil`.
    struct Reader: Sendable, Hashable {
        let generation: Int
    }

    /// A message as a reader took it, with its sequence number on the stream.
    struct Event: Sendable {
        let sequence: Int
        let message: [UInt8]
    }

    /// Why ``resume(after:)`` refused.
    enum ResumeFailure: Error, Equatable {
        /// The stream never sent that event.
        case neverSent
        /// What followed that event is no longer kept.
        case expired
    }

    private struct State {
        var pending: Set<RequestID>
        var queue: [[UInt8]] = []
        var queuedBytes = 0
        var isFinished = false
        /// The messages taken, oldest first, for replay: sequences `floor + 1 ..< nextSequence`.
        var log: [Event] = []
        var logBytes = 0
        /// The last sequence that cannot be replayed: a resumption after it (or later) can be served.
        var floor = 0
        var nextSequence = 1
        /// The last sequence the current reader took.
        var cursor = 0
        var generation = 0
        var isAttached = true
        /// Bytes queued while no reader held the stream, charged to the session's budget until
        /// taken (review 15, finding 1).
        var detachedBytes = 0
        /// What waited for a reader outgrew the budget: dropped, and the stream cannot resume.
        var isLost = false
        /// Forgotten by its session: what a reader still takes is not kept (nothing would free it).
        var isDiscarded = false
        var waiter: (id: Int, continuation: CheckedContinuation<Event?, Never>)?
        var nextWaiterID = 0
    }

    /// Notifications a reader that has not caught up may leave waiting.
    static let maximumQueuedNotifications = 256
    /// Answers the standalone stream may hold for a reader that has not caught up (2024-11-05
    /// sends them all there), by count and by size; beyond either, the answer is refused.
    static let maximumQueuedAnswers = 1024
    static let maximumQueuedBytes = 64 << 20
    /// Sent messages one stream keeps for replay; the oldest goes first.
    static let maximumReplayEvents = 256

    private let state: Mutex<State>
    /// Where the replay log's bytes are counted; `nil`: nothing is kept (a stream that cannot be
    /// resumed).
    private let budget: ReplayBudget?
    /// The number of this stream in its session (its SSE event ids carry it).
    let number: Int
    /// Whether it is the session's standalone stream, which no answer finishes.
    let isStandalone: Bool
    /// The reader of the response that opened the stream.
    static let firstReader = Reader(generation: 0)

    /// Creates a POST's stream, which finishes once `pending` are answered.
    init(number: Int, pending: Set<RequestID>, budget: ReplayBudget? = nil) {
        state = Mutex(State(pending: pending))
        self.budget = budget
        self.number = number
        self.isStandalone = false
    }

    /// Creates the standalone stream of a session.
    init(standalone number: Int, budget: ReplayBudget? = nil) {
        state = Mutex(State(pending: []))
        self.budget = budget
        self.number = number
        self.isStandalone = true
    }

    /// Whether every request it waited for has been answered and every message taken by the
    /// current reader: the message just taken was the last.
    var isDrained: Bool {
        state.withLock { $0.isFinished && $0.queue.isEmpty && $0.cursor == $0.nextSequence - 1 }
    }

    /// Whether a reader holds the stream (no: its response ended before the stream did).
    var isAttached: Bool { state.withLock { $0.isAttached } }

    /// The bytes its replay log holds.
    var replayBytes: Int { state.withLock { $0.logBytes } }

    /// Queues a notification or a server request; `false` when dropped (finished, or too many waiting).
    func send(_ message: consuming [UInt8]) -> Bool {
        let message = message
        let (admitted, wake) = state.withLock { state -> (Bool, Wake?) in
            guard !state.isFinished, state.queue.count < Self.maximumQueuedNotifications,
                admitWhileDetached(message.count, &state)
            else { return (false, nil) }
            state.queue.append(message)
            state.queuedBytes += message.count
            return (true, wakeReader(&state))
        }
        wake?.resume()
        return admitted
    }

    /// Queues the answer to `ids`; the stream finishes once nothing is pending (or at once with
    /// `finishing`: the request was refused whole). The standalone stream never finishes so.
    /// - Returns: `false` when it was not queued: the stream has finished, or it is the
    ///   standalone one and its reader is too far behind.
    @discardableResult
    func answer(_ message: consuming [UInt8], ids: [RequestID], finishing: Bool = false) -> Bool {
        let message = message
        let (admitted, wake) = state.withLock { [isStandalone] state -> (Bool, Wake?) in
            guard !state.isFinished else { return (false, nil) }
            if isStandalone {
                guard state.queue.count < Self.maximumQueuedAnswers,
                    state.queuedBytes + message.count <= Self.maximumQueuedBytes
                else { return (false, nil) }
            }
            for id in ids { state.pending.remove(id) }
            guard admitWhileDetached(message.count, &state) else { return (false, nil) }
            state.queue.append(message)
            state.queuedBytes += message.count
            if !isStandalone, state.pending.isEmpty || finishing { state.isFinished = true }
            return (true, wakeReader(&state))
        }
        wake?.resume()
        return admitted
    }

    /// The next message of the first reader; `nil` once the stream has finished.
    func next() async -> [UInt8]? {
        await next(Self.firstReader)?.message
    }

    /// The next message for `reader`: a replayed one, else the next queued; `nil` once the
    /// stream has finished and it has all, or when another reader has taken the stream over,
    /// or the task is cancelled.
    func next(_ reader: Reader) async -> Event? {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Event?, Never>) in
                let (ready, displaced) = state.withLock { state -> (Event??, CheckedContinuation<Event?, Never>?) in
                    guard state.generation == reader.generation, !Task.isCancelled else { return (.some(nil), nil) }
                    if let event = take(&state, waking: false)?.event { return (.some(event), nil) }
                    if state.isFinished { return (.some(nil), nil) }
                    let displaced = state.waiter?.continuation
                    state.waiter = (id, continuation)
                    return (nil, displaced)
                }
                displaced?.resume(returning: nil)
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Event?, Never>? in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// A new reader for a client resuming after event `sequence`: it gets the events that
    /// followed, then the rest; the reader before it gets `nil` from now on.
    func resume(after sequence: Int) -> Result<Reader, ResumeFailure> {
        let (result, displaced) = state.withLock {
            state -> (Result<Reader, ResumeFailure>, CheckedContinuation<Event?, Never>?) in
            guard sequence < state.nextSequence else { return (.failure(.neverSent), nil) }
            guard sequence >= state.floor, !state.isLost else { return (.failure(.expired), nil) }
            state.generation += 1
            state.cursor = sequence
            state.isAttached = true
            defer { state.waiter = nil }
            return (.success(Reader(generation: state.generation)), state.waiter?.continuation)
        }
        displaced?.resume(returning: nil)
        return result
    }

    /// Whether `reader` still holds the stream (no other has resumed it since).
    func isCurrent(_ reader: Reader) -> Bool {
        state.withLock { $0.generation == reader.generation }
    }

    /// `reader`'s response ended before the stream: the stream waits for a resumption.
    /// `false` when another reader holds it (nothing changes).
    @discardableResult
    func detach(_ reader: Reader) -> Bool {
        state.withLock { state in
            guard state.generation == reader.generation else { return false }
            state.isAttached = false
            return true
        }
    }

    /// Ends the stream (the session ended, or the client went away): no more messages, what
    /// is queued can still be read.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Event?, Never>? in
            state.isFinished = true
            guard state.queue.isEmpty else { return nil }
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }

    /// Gives the replay log's bytes back to the session's budget (the stream is forgotten).
    func discardLog() {
        let bytes = state.withLock { state in
            defer {
                state.floor = state.nextSequence - 1
                state.log = []
                state.logBytes = 0
                state.detachedBytes = 0
                state.isDiscarded = true
            }
            return state.logBytes + state.detachedBytes
        }
        budget?.release(bytes)
    }

    /// Whether a message of `size` bytes may wait: always while a reader holds the stream (it
    /// reads on), else only within the session's budget. One that does not fit loses the stream:
    /// what waits is dropped and a resumption is told it is gone, rather than holding memory no
    /// budget counts (a client dropping slow calls' connections could park any number of answers).
    private func admitWhileDetached(_ size: Int, _ state: inout State) -> Bool {
        guard !state.isAttached, !state.isDiscarded, let budget else { return true }
        if budget.reserve(size) {
            state.detachedBytes += size
            return true
        }
        budget.release(state.detachedBytes + state.logBytes)
        state.isLost = true
        state.isFinished = true
        state.queue = []
        state.queuedBytes = 0
        state.detachedBytes = 0
        state.log = []
        state.logBytes = 0
        return false
    }

    /// Bytes a reader took that were charged while detached go back (the log charges its own).
    private func releaseDetached(_ size: Int, _ state: inout State) {
        guard state.detachedBytes > 0, let budget else { return }
        let released = min(size, state.detachedBytes)
        state.detachedBytes -= released
        budget.release(released)
    }

    // MARK: Taking

    /// A waiting reader to resume with an event.
    private struct Wake {
        let continuation: CheckedContinuation<Event?, Never>
        let event: Event

        func resume() { continuation.resume(returning: event) }
    }

    /// The current reader's next event (replayed, else dequeued and logged); with `waking`,
    /// only when a reader waits for it (which is then no longer waiting).
    private func take(
        _ state: inout State,
        waking: Bool = true
    ) -> (event: Event, continuation: CheckedContinuation<Event?, Never>?)? {
        if waking, state.waiter == nil { return nil }
        let event: Event
        if let first = state.log.first, state.cursor + 1 >= first.sequence, state.cursor + 1 < state.nextSequence {
            event = state.log[state.cursor + 1 - first.sequence]
        } else if !state.queue.isEmpty {
            let message = state.queue.removeFirst()
            state.queuedBytes -= message.count
            releaseDetached(message.count, &state)
            event = Event(sequence: state.nextSequence, message: message)
            state.nextSequence += 1
            record(event, in: &state)
        } else {
            return nil
        }
        state.cursor = event.sequence
        let continuation = state.waiter?.continuation
        if waking { state.waiter = nil }
        return (event, continuation)
    }

    private func wakeReader(_ state: inout State) -> Wake? {
        guard let (event, continuation) = take(&state, waking: true), let continuation else { return nil }
        return Wake(continuation: continuation, event: event)
    }

    /// Keeps `event` for replay, the oldest going first past the stream's count or the
    /// session's bytes; one that cannot be kept makes everything before it unreplayable.
    private func record(_ event: Event, in state: inout State) {
        guard let budget, !state.isDiscarded else {
            state.floor = event.sequence
            return
        }
        let size = event.message.count
        while state.log.count >= Self.maximumReplayEvents { evictOldest(&state, budget) }
        while !budget.reserve(size) {
            guard !state.log.isEmpty, size <= budget.limit else {
                budget.release(state.logBytes)
                state.log = []
                state.logBytes = 0
                state.floor = event.sequence
                return
            }
            evictOldest(&state, budget)
        }
        state.log.append(event)
        state.logBytes += size
    }

    private func evictOldest(_ state: inout State, _ budget: ReplayBudget) {
        let oldest = state.log.removeFirst()
        state.logBytes -= oldest.message.count
        budget.release(oldest.message.count)
        state.floor = oldest.sequence
    }
}

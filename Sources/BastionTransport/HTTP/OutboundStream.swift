import BastionProtocol
import Synchronization

/// One response stream of a handshake-era session: a POST's (its requests' answers and what
/// their handlers send) or the standalone one (the GET stream, or 2024-11-05's `/sse`). It
/// finishes once every request it waits for is answered; the standalone one lasts until the
/// client or the session goes away.
///
/// A client that stops reading cannot make it grow without bound: past
/// ``maximumQueuedNotifications`` waiting messages, notifications are dropped (an answer never is).
final class OutboundStream: Sendable {
    private struct State {
        var pending: Set<RequestID>
        var queued = 0
        var queuedBytes = 0
        var isFinished = false
    }

    /// Notifications a reader that has not caught up may leave waiting.
    static let maximumQueuedNotifications = 256
    /// Answers the standalone stream may hold for a reader that has not caught up (2024-11-05
    /// sends them all there), by count and by size; beyond either, the answer is refused.
    static let maximumQueuedAnswers = 1024
    static let maximumQueuedBytes = 64 << 20

    private let continuation: AsyncStream<[UInt8]>.Continuation
    // Read by one task at a time: the POST's handler takes the first message, and returns
    // before its SSE body, which reads the rest, starts.
    private nonisolated(unsafe) var iterator: AsyncStream<[UInt8]>.AsyncIterator
    private let state: Mutex<State>
    /// The number of this stream in its session (its SSE event ids begin with it).
    let number: Int
    /// Whether it is the session's standalone stream, which no answer finishes.
    let isStandalone: Bool

    /// Creates a POST's stream, which finishes once `pending` are answered.
    init(number: Int, pending: Set<RequestID>) {
        let (messages, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        self.continuation = continuation
        self.iterator = messages.makeAsyncIterator()
        state = Mutex(State(pending: pending))
        self.number = number
        self.isStandalone = false
    }

    /// Creates the standalone stream of a session.
    init(standalone number: Int) {
        let (messages, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        self.continuation = continuation
        self.iterator = messages.makeAsyncIterator()
        state = Mutex(State(pending: []))
        self.number = number
        self.isStandalone = true
    }

    /// Whether every request it waited for has been answered and every message taken: the
    /// message just taken was the last.
    var isDrained: Bool { state.withLock { $0.isFinished && $0.queued == 0 } }

    /// Queues a notification or a server request; `false` when dropped (finished, or too many waiting).
    func send(_ message: consuming [UInt8]) -> Bool {
        let size = message.count
        let admitted = state.withLock { state -> Bool in
            guard !state.isFinished, state.queued < Self.maximumQueuedNotifications else { return false }
            state.queued += 1
            state.queuedBytes += size
            return true
        }
        guard admitted else { return false }
        continuation.yield(message)
        return true
    }

    /// Queues the answer to `ids`; the stream finishes once nothing is pending (or at once with
    /// `finishing`: the request was refused whole). The standalone stream never finishes so.
    /// - Returns: `false` when it was not queued: the stream has finished, or it is the
    ///   standalone one and its reader is too far behind.
    @discardableResult
    func answer(_ message: consuming [UInt8], ids: [RequestID], finishing: Bool = false) -> Bool {
        let size = message.count
        let isLast = state.withLock { [isStandalone] state -> Bool? in
            guard !state.isFinished else { return nil }
            if isStandalone {
                guard state.queued < Self.maximumQueuedAnswers, state.queuedBytes + size <= Self.maximumQueuedBytes
                else { return nil }
            }
            for id in ids { state.pending.remove(id) }
            state.queued += 1
            state.queuedBytes += size
            guard !isStandalone, state.pending.isEmpty || finishing else { return false }
            state.isFinished = true
            return true
        }
        guard let isLast else { return false }
        continuation.yield(message)
        if isLast { continuation.finish() }
        return true
    }

    /// The next message; `nil` once the stream has finished.
    func next() async -> [UInt8]? {
        let message = await iterator.next()
        if let message {
            state.withLock { state in
                state.queued = max(0, state.queued - 1)
                state.queuedBytes = max(0, state.queuedBytes - message.count)
            }
        }
        return message
    }

    /// Ends the stream (the session ended, or the client went away).
    func finish() {
        state.withLock { $0.isFinished = true }
        continuation.finish()
    }
}

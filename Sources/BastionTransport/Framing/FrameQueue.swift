public import BastionProtocol
import Dispatch
import Synchronization

/// Hands frames from a transport's reader thread to the async task that serves the connection,
/// with backpressure: past ``capacity`` queued frames the reader thread waits until the consumer
/// has taken half of them, so a client that sends faster than it is served cannot grow memory.
///
/// The wait is on the transport's own dedicated reader thread, never on the cooperative pool, and
/// the consumer only parses and dispatches (it never blocks), so the queue drains at parse speed:
/// `ping` and cancellations still reach the session promptly when every call slot is taken.
public final class FrameQueue: FrameReceiver, AsyncSequence, Sendable {
    public typealias Element = Frame
    public typealias Failure = Never

    private struct State {
        var frames: [Frame] = []
        var head = 0
        var isFinished = false
        var consumer: CheckedContinuation<Frame?, Never>?
        var producerIsWaiting = false

        var count: Int { frames.count - head }

        mutating func take() -> Frame? {
            guard head < frames.count else { return nil }
            let frame = frames[head]
            head += 1
            if head == frames.count {
                frames.removeAll(keepingCapacity: true)
                head = 0
            }
            return frame
        }
    }

    /// Frames queued before the reader waits.
    public let capacity: Int
    private let state = Mutex(State())
    /// Wakes the reader thread once there is room again (used only by that one thread).
    private let room = DispatchSemaphore(value: 0)

    /// Creates an empty queue.
    /// - Parameter capacity: Frames queued before the producer waits (at least 1).
    public init(capacity: Int = 256) {
        self.capacity = Swift.max(1, capacity)
    }

    /// Producer side: one complete frame, copied out of the reader's buffer.
    public func receive(_ frame: UnsafeRawBufferPointer) {
        push(.message(Array(frame)))
    }

    /// Producer side: a frame that exceeded the limit.
    public func receiveOversizedFrame(byteCount: Int) {
        push(.oversized(byteCount: byteCount))
    }

    /// Producer side: no more frames will come; the consumer's iteration ends after the queued ones.
    public func finish() {
        let consumer = state.withLock { state -> CheckedContinuation<Frame?, Never>? in
            state.isFinished = true
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume(returning: nil)
    }

    /// Queues a frame, or hands it straight to a waiting consumer; waits while the queue is full.
    func push(_ frame: Frame) {
        while true {
            let outcome = state.withLock { state -> (CheckedContinuation<Frame?, Never>?, Bool) in
                if state.isFinished { return (nil, true) }
                if let consumer = state.consumer {
                    state.consumer = nil
                    return (consumer, true)
                }
                guard state.count < capacity else {
                    state.producerIsWaiting = true
                    return (nil, false)
                }
                state.frames.append(frame)
                return (nil, true)
            }
            if let consumer = outcome.0 { consumer.resume(returning: frame) }
            if outcome.1 { return }
            room.wait()
        }
    }

    /// Consumer side: the next frame, waiting for one; `nil` once finished and drained, or when
    /// the consuming task is cancelled.
    func next() async -> Frame? {
        if let ready = poll() { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Frame?, Never>) in
                let ready = state.withLock { state -> Frame?? in
                    if let frame = take(&state) { return .some(frame) }
                    if state.isFinished || Task.isCancelled { return .some(nil) }
                    state.consumer = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Frame?, Never>? in
                defer { state.consumer = nil }
                return state.consumer
            }?.resume(returning: nil)
        }
    }

    /// A frame already queued, or the end (`.some(nil)`), without suspending: the fast path of a
    /// busy connection; `nil` when the consumer has to wait.
    private func poll() -> Frame?? {
        state.withLock { state -> Frame?? in
            if let frame = take(&state) { return .some(frame) }
            return state.isFinished ? .some(nil) : nil
        }
    }

    /// Consumer side: stops the queue (the connection is being closed). Queued frames are dropped,
    /// a waiting reader thread is released and every later frame is discarded.
    public func close() {
        let (consumer, producerWaits) = state.withLock { state -> (CheckedContinuation<Frame?, Never>?, Bool) in
            state.isFinished = true
            state.frames.removeAll()
            state.head = 0
            defer {
                state.consumer = nil
                state.producerIsWaiting = false
            }
            return (state.consumer, state.producerIsWaiting)
        }
        consumer?.resume(returning: nil)
        if producerWaits { room.signal() }
    }

    /// Takes the oldest frame and wakes the producer once half the room is free again.
    private func take(_ state: inout State) -> Frame? {
        guard let frame = state.take() else { return nil }
        if state.producerIsWaiting, state.count <= capacity / 2 {
            state.producerIsWaiting = false
            room.signal()
        }
        return frame
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let queue: FrameQueue

        public mutating func next() async -> Frame? { await queue.next() }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> Frame? { await queue.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(queue: self) }
}

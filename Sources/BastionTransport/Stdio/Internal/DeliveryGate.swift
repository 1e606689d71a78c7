import BastionProtocol
import Synchronization

/// Stands between a reader thread and the receiver: forwards frames until stopped, and resumes the
/// task awaiting the delivery exactly once — when the thread finishes, or when the task is
/// cancelled, whichever comes first. After that nothing more reaches the receiver, even though the
/// thread may still be blocked in `read(2)`.
final class DeliveryGate: FrameReceiver {
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var isStopped = false
    }

    private let receiver: any FrameReceiver
    private let isStopped = Atomic<Bool>(false)
    private let state = Mutex(State())

    init(_ receiver: any FrameReceiver) {
        self.receiver = receiver
    }

    /// Keeps the continuation to resume at the end.
    /// - Returns: `false` when the gate is stopped already (the continuation was resumed).
    func arm(_ waiter: CheckedContinuation<Void, Never>) -> Bool {
        let isStopped = state.withLock { state -> Bool in
            if state.isStopped { return true }
            state.waiter = waiter
            return false
        }
        if isStopped { waiter.resume() }
        return !isStopped
    }

    /// Drops every later frame and resumes the waiting task (the thread finished, or was abandoned).
    func stop() {
        isStopped.store(true, ordering: .releasing)
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.isStopped = true
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    func receive(_ frame: UnsafeRawBufferPointer) {
        guard !isStopped.load(ordering: .acquiring) else { return }
        receiver.receive(frame)
    }

    func receiveOversizedFrame(byteCount: Int) {
        guard !isStopped.load(ordering: .acquiring) else { return }
        receiver.receiveOversizedFrame(byteCount: byteCount)
    }
}

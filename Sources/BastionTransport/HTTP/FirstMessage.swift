import BastionProtocol
import Synchronization

/// The first message of a request's answer, waited for at most ``patience``: a request that
/// answers at once gets its response alone as JSON; one that takes longer is committed to SSE,
/// whose keep-alives notice a client that went away (otherwise nothing would be written, and a
/// dropped connection would go unnoticed until the request ended by itself).
public enum FirstMessage {
    /// How long a request may take before its answer becomes a stream.
    public static let patience: Duration = .seconds(1)

    /// What came first.
    enum Outcome<Message: Sendable>: Sendable {
        /// The first message (`nil`: the source ended without one).
        case message(Message?)
        /// Nothing yet; `pending` delivers it (the SSE body awaits it first).
        case late(pending: Task<Message?, Never>)
    }

    /// Waits for `next()` for at most `patience`.
    static func wait<Message: Sendable>(
        patience: Duration = patience,
        _ next: @escaping @Sendable () async -> Message?
    ) async -> Outcome<Message> {
        let race = Race<Message?>()
        let puller = Task {
            let message = await next()
            race.settle(message, isTimeout: false)
            return message
        }
        // The process's ticker settles the late ones: a timer per request costs more than the rest
        // of a quick request's overhead (DeadlineTicker).
        let ticket = DeadlineTicker.shared.add(deadline: .now + patience) { race.settle(nil, isTimeout: true) }
        let (value, isTimeout) = await race.result()
        DeadlineTicker.shared.remove(ticket)
        return isTimeout ? .late(pending: puller) : .message(value)
    }

    /// The first of two results.
    private final class Race<Value: Sendable>: Sendable {
        private struct State {
            var result: (Value, Bool)?
            var waiter: CheckedContinuation<(Value, Bool), Never>?
        }

        private let state = Mutex(State())

        func settle(_ value: Value, isTimeout: Bool) {
            let waiter = state.withLock { state -> CheckedContinuation<(Value, Bool), Never>? in
                guard state.result == nil else { return nil }
                state.result = (value, isTimeout)
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: (value, isTimeout))
        }

        func result() async -> (Value, Bool) {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> (Value, Bool)? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

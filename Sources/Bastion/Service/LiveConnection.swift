import BastionProtocol
import BastionSecurity
import Synchronization

/// One connection the service is serving: its session, its client, and the request to stop it.
final class LiveConnection: Sendable {
    let session: MCPSession
    let client: ClientContext

    private struct Stop {
        var grace: Duration?
        var waiter: CheckedContinuation<Duration, Never>?
    }

    private let stop = Mutex(Stop())
    /// Runs on the first stop request, for a connection no task waits on (``stopRequested()``):
    /// one request of a stateless transport.
    private let onStop: (@Sendable (Duration) -> Void)?

    init(session: MCPSession, client: ClientContext, onStop: (@Sendable (Duration) -> Void)? = nil) {
        self.session = session
        self.client = client
        self.onStop = onStop
    }

    /// Asks the connection to end, giving its in-flight calls `grace`; the first request wins.
    func requestStop(grace: Duration) {
        let (isFirst, waiter) = stop.withLock { stop -> (Bool, CheckedContinuation<Duration, Never>?) in
            guard stop.grace == nil else { return (false, nil) }
            stop.grace = grace
            defer { stop.waiter = nil }
            return (true, stop.waiter)
        }
        waiter?.resume(returning: grace)
        if isFirst { onStop?(grace) }
    }

    /// Returns the grace period once a stop is requested (zero when the waiting task is cancelled).
    func stopRequested() async -> Duration {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Duration, Never>) in
                let grace = stop.withLock { stop -> Duration? in
                    if let grace = stop.grace { return grace }
                    if Task.isCancelled { return .zero }
                    stop.waiter = continuation
                    return nil
                }
                if let grace { continuation.resume(returning: grace) }
            }
        } onCancel: {
            stop.withLock { stop -> CheckedContinuation<Duration, Never>? in
                defer { stop.waiter = nil }
                return stop.waiter
            }?.resume(returning: .zero)
        }
    }

    /// Whether a stop was requested (as opposed to the peer closing its side).
    var isStopRequested: Bool { stop.withLock { $0.grace != nil } }
}

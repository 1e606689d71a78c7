import Synchronization

/// Connections the ``ConnectionLedger`` refused, recorded without letting a flood of them flood
/// the audit log: the first refusal of a quiet period is recorded at once, the rest at most once
/// a second, as a count.
final class ConnectionRefusals: Sendable {
    private struct State {
        var lastRecorded: ContinuousClock.Instant?
        var unrecorded = 0
    }

    private let state = Mutex(State())
    private let record: @Sendable (ConnectionLedger.Refusal, Int) -> Void
    let interval: Duration

    /// - Parameter record: Writes one record: the latest refusal, and how many it stands for.
    init(interval: Duration = .seconds(1), record: @escaping @Sendable (ConnectionLedger.Refusal, Int) -> Void) {
        self.interval = interval
        self.record = record
    }

    /// Notes one refused connection; records it (with those not recorded yet) when the last
    /// record is older than the interval.
    func note(_ refusal: ConnectionLedger.Refusal, now: ContinuousClock.Instant = .now) {
        let count = state.withLock { state -> Int in
            state.unrecorded += 1
            if let last = state.lastRecorded, last.duration(to: now) < interval { return 0 }
            state.lastRecorded = now
            defer { state.unrecorded = 0 }
            return state.unrecorded
        }
        if count > 0 { record(refusal, count) }
    }
}

extension ConnectionLedger.Refusal {
    /// The status the audit records: what was answered (400) or would have been (503, 429).
    var status: Int {
        switch self {
        case .full, .tooManyPending: return 503
        case .tooManyForClient: return 429
        case .malformed: return 400
        }
    }

    /// The audit's reason for `count` connections refused so.
    func reason(count: Int) -> String {
        let what = count == 1 ? "a connection" : "\(count) connections"
        switch self {
        case .full: return "\(what) closed on arrival: the listener's max_connections are open"
        case .tooManyPending: return "\(what) closed on arrival: too many unauthenticated connections from one address"
        case .tooManyForClient: return "\(what) refused: the client holds max_connections_per_client"
        case .malformed: return "\(what) closed: malformed HTTP (or a request head over 32 KiB), answered 400"
        }
    }
}

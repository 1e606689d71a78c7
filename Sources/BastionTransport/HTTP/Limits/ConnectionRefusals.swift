import BastionSystem

/// Connections the ``ConnectionLedger`` refused, recorded without letting a flood of them flood
/// the audit log: per kind of refusal, the first of a quiet period is recorded at once and the
/// rest at most once a second, as a count — flushed by a timer, so a burst's count is written
/// even when nothing follows it (review 14, finding 6).
final class ConnectionRefusals: Sendable {
    private let throttle: RecordThrottle<ConnectionLedger.Refusal, ConnectionLedger.Refusal>

    /// - Parameters:
    ///   - flushesItself: Whether a timer writes a burst's count (tests call ``flush(now:)``).
    ///   - record: Writes one record: the refusal, and how many it stands for.
    init(
        interval: Duration = .seconds(1),
        flushesItself: Bool = true,
        record: @escaping @Sendable (ConnectionLedger.Refusal, Int) -> Void
    ) {
        throttle = RecordThrottle(
            interval: interval,
            maxKeys: 8,
            overflowKey: .full,
            flushesItself: flushesItself,
            emit: record
        )
    }

    /// Notes one refused connection, recorded now or counted into the next record of its kind.
    func note(_ refusal: ConnectionLedger.Refusal, now: ContinuousClock.Instant = .now) {
        throttle.note(refusal, key: refusal, now: now)
    }

    /// Writes the counts whose second is over.
    func flush(now: ContinuousClock.Instant = .now) { throttle.flush(now: now) }

    /// Writes every count now: the listener stops.
    func drain() { throttle.drain() }
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

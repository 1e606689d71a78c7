import BastionProtocol
import BastionSecurity
import BastionSystem

/// The audit records of refused requests — failed authentications and HTTP refusals —, which a
/// sender can produce as fast as it can send. Each is keyed by its event, transport, peer
/// address, client, kind and reason; per key the first of a quiet second is written at once and the rest
/// as one record a second with a `count` (review 14, finding 4), so a flood of 401s or 429s
/// cannot rotate the real history out of the audit log. At most ``maxKeys`` keys are tallied
/// apart; beyond them every refusal shares one tally.
final class RefusalRecords: Sendable {
    /// The address of the request being authenticated, for the record of its failure (which the
    /// client registry writes, below the transport that knows the address).
    @TaskLocal static var peer: String?

    /// How many keys are tallied apart within a second.
    static let maxKeys = 32

    private let throttle: RecordThrottle<String, AuditEntry>

    /// - Parameters:
    ///   - audit: Where the records go.
    ///   - flushesItself: Whether a timer writes a burst's count (tests call ``flush(now:)``).
    init(audit: AuditLogger, interval: Duration = .seconds(1), flushesItself: Bool = true) {
        throttle = RecordThrottle(
            interval: interval,
            maxKeys: Self.maxKeys,
            overflowKey: "overflow",
            flushesItself: flushesItself
        ) { entry, count in
            var entry = entry
            if count > 1 { entry.fields["count"] = .int(Int64(count)) }
            audit.record(entry)
        }
    }

    /// Records `entry` (an `auth-failure` or `http-refusal`), or counts it into the next record
    /// of its kind. The peer address, when known, is added to it.
    /// - Parameters:
    ///   - entry: The record.
    ///   - kind: What tells refusals of one sender apart (the credentials' kind, the status).
    ///   - peer: The address the request came from.
    func record(_ entry: AuditEntry, kind: String, peer: String? = RefusalRecords.peer) {
        var entry = entry
        if let peer { entry.fields["peer"] = .string(peer) }
        // The reason is part of the key: different failures each get their record at once, and
        // a sender varying the reason only fills the key cap sooner.
        let reason = entry.fields["reason"]?.stringValue?.prefix(256) ?? ""
        let key = [entry.event, entry.transport ?? "", peer ?? "", entry.client ?? "", kind, String(reason)]
            .joined(separator: "\u{1F}")
        throttle.note(entry, key: key)
    }

    /// Writes the counts whose second is over.
    func flush(now: ContinuousClock.Instant = .now) { throttle.flush(now: now) }

    /// Writes every count now: the audit log is about to close.
    func drain() { throttle.drain() }
}

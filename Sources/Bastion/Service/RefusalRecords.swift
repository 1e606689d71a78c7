import BastionProtocol
import BastionSecurity
import BastionSystem

/// The audit records of refused requests — failed authentications and HTTP refusals —, which a
/// sender can produce as fast as it can send. Each is keyed by its event, transport, peer
/// address, client, kind and reason; per key the first of a quiet second is written at once and
/// the rest as one record a second with a `count` (review 14, finding 4), so a flood of 401s or
/// 429s cannot rotate the real history out of the audit log.
///
/// A sender (its address, and its client when authenticated) has at most ``maxKeysPerSender``
/// keys of its own; past them its refusals share its own overflow tally, so a sender that varies
/// its reasons (a made-up keyid per request) cannot push another sender's refusals into a shared
/// tally (review 15, finding 4). Past ``maxKeys`` in all, the rest share one tally.
final class RefusalRecords: Sendable {
    /// The address of the request being authenticated, for the record of its failure (which the
    /// client registry writes, below the transport that knows the address).
    @TaskLocal static var peer: String?

    /// How many keys are tallied apart within a second.
    static let maxKeys = 256
    /// How many of them one sender may have.
    static let maxKeysPerSender = 4

    /// A tally's key: who sent it, and what it was.
    struct Key: Hashable, Sendable {
        var sender: String
        var what: String

        /// The key a sender's extra refusals share; `nil` for a refusal without a sender.
        var senderOverflow: Key? { sender.isEmpty ? nil : Key(sender: sender, what: "overflow") }
    }

    private let throttle: RecordThrottle<Key, AuditEntry>

    /// - Parameters:
    ///   - audit: Where the records go.
    ///   - flushesItself: Whether a timer writes a burst's count (tests call ``flush(now:)``).
    init(audit: AuditLogger, interval: Duration = .seconds(1), flushesItself: Bool = true) {
        throttle = RecordThrottle(
            interval: interval,
            maxKeys: Self.maxKeys,
            overflowKey: Key(sender: "", what: "overflow"),
            maxKeysPerGroup: Self.maxKeysPerSender,
            group: \.senderOverflow,
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
    ///   - now: The time of the refusal.
    func record(
        _ entry: AuditEntry,
        kind: String,
        peer: String? = RefusalRecords.peer,
        now: ContinuousClock.Instant = .now
    ) {
        var entry = entry
        if let peer { entry.fields["peer"] = .string(peer) }
        // The reason is part of the key: different failures each get their record at once, and
        // a sender varying the reason only fills the key cap sooner.
        let reason = entry.fields["reason"]?.stringValue?.prefix(256) ?? ""
        let sender = [peer ?? "", entry.client ?? ""].joined(separator: "\u{1F}")
        let what = [entry.event, entry.transport ?? "", kind, String(reason)].joined(separator: "\u{1F}")
        throttle.note(entry, key: Key(sender: sender == "\u{1F}" ? "" : sender, what: what), now: now)
    }

    /// Writes the counts whose second is over.
    func flush(now: ContinuousClock.Instant = .now) { throttle.flush(now: now) }

    /// Writes every count now: the audit log is about to close.
    func drain() { throttle.drain() }
}

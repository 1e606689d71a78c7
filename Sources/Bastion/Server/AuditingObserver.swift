import BastionProtocol
import BastionSecurity

/// Step 5 of the security chain: turns every session event into an audit record, synchronously,
/// before the answer it describes is written.
///
/// It also fails closed: while the audit log cannot be written, every new request is refused with
/// -32603 "audit log unavailable: …" without being executed, and each refusal first retries the
/// log, so the server serves again as soon as records can be written (space freed, disk back).
struct AuditingObserver: SessionObserver {
    let audit: AuditLogger
    let client: ClientContext

    func sessionShouldAccept(_ session: MCPSession, method: String) -> JSONRPCError? {
        // Hot path: an atomic load while the log is healthy.
        guard let failure = audit.retry() else { return nil }
        return Self.unavailable(failure)
    }

    /// -32603 "audit log unavailable: <cause>": the cause only ("No space left on device"), the log's
    /// path is the operator's business.
    static func unavailable(_ failure: AuditError?) -> JSONRPCError {
        let message = failure?.message ?? "the record could not be written"
        let cause = message.split(separator: ": ").last.map(String.init) ?? message
        return JSONRPCError(code: JSONRPCError.internalErrorCode, message: "audit log unavailable: \(cause)")
    }

    func sessionInitialized(_ session: MCPSession, version: ProtocolVersion, client info: ClientInfo) {
        audit.record(
            AuditEntry(
                event: "session-start",
                client: client.id,
                transport: client.transport,
                session: session.id,
                fields: [
                    "protocol": .string(version.rawValue), "client_name": .string(Self.prefix(info.name, bytes: 128)),
                    "client_version": .string(Self.prefix(info.version, bytes: 64)),
                ]
            )
        )
    }

    /// Writes the record of a request; when it cannot be written, the request is answered -32603
    /// "audit log unavailable" instead of with its result (an answer never leaves without its record).
    @discardableResult
    func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError? {
        // Sized once for everything merged below: no rehash on the request path.
        var fields = [String: JSONValue](minimumCapacity: 6 + record.annotations.count)
        fields["duration_us"] = .int(record.duration.microseconds)
        fields["bytes"] = .int(Int64(record.byteCount))
        switch record.outcome {
        case .ok:
            fields["outcome"] = "ok"
        case .error(let code, let message):
            fields["outcome"] = "error"
            fields["code"] = .int(Int64(code))
            fields["error"] = .string(message)
        case .cancelled:
            fields["outcome"] = "cancelled"
        case .rejected(let code, let message):
            fields["outcome"] = "rejected"
            fields["decision"] = "reject"
            fields["code"] = .int(Int64(code))
            fields["error"] = .string(message)
        }
        // The handler's own notes (tool, decision, permission, args, finer outcome) take precedence:
        // a call cancelled after its handler acted still says what happened, plus that its answer
        // was suppressed.
        fields.merge(record.annotations) { _, annotated in annotated }
        if record.outcome == .cancelled {
            if record.annotations["outcome"] == nil { fields["outcome"] = "cancelled" }
            fields["cancelled"] = true
        }
        // Client-chosen strings (tool names, ids, method names echoed in errors) are bounded, so no
        // client can write a record too large to verify, or flood the rotation with a few calls.
        for (key, value) in fields where key != "args" {
            if case .string(let text) = value, text.utf8.count > Self.maximumFieldBytes {
                // A denied path is kept whole up to a path's limit, as in `args`.
                let limit = key == "path" ? AuditRedactor.maxPathBytes : Self.maximumFieldBytes
                fields[key] = Self.bounded(value, to: limit)
            }
        }
        let sequence = audit.record(
            AuditEntry(
                event: "request",
                client: client.id,
                transport: client.transport,
                session: session.id,
                method: record.method.map { Self.prefix($0, bytes: 128) },
                requestID: record.id.map { Self.bounded($0.json) },
                fields: fields
            )
        )
        return sequence == nil ? Self.unavailable(audit.failure) : nil
    }

    /// Records the end without forcing it to disk: one process serves many sessions, and a
    /// flush takes the log's lock across an `fsync` on a cooperative-pool thread. The group commit
    /// syncs it within its window; the service flushes once when it stops.
    func sessionClosed(_ session: MCPSession) {
        audit.record(
            AuditEntry(event: "session-end", client: client.id, transport: client.transport, session: session.id)
        )
    }
}

extension AuditingObserver {
    /// The longest client-influenced string kept in a record field.
    static let maximumFieldBytes = 512

    /// A string field cut to `limit` bytes (marked with its full size); other values as given.
    static func bounded(_ value: JSONValue, to limit: Int = maximumFieldBytes) -> JSONValue {
        guard case .string(let text) = value, text.utf8.count > limit else { return value }
        return .string(prefix(text, bytes: limit) + "…<\(text.utf8.count) bytes>")
    }

    /// At most `limit` UTF-8 bytes of `text`, cut between scalars (a grapheme can be any size, so
    /// `String.prefix` does not bound bytes). Secrets are masked first: a token cut in half would no
    /// longer be recognised, and its first half would be written.
    static func prefix(_ text: String, bytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        let text = SecretScanner.scrubbed(text)
        guard text.utf8.count > limit else { return text }
        var cut = String(decoding: text.utf8.prefix(limit), as: UTF8.self)
        if cut.unicodeScalars.last == "\u{FFFD}" { cut.unicodeScalars.removeLast() }
        return cut
    }
}

extension Duration {
    /// Whole microseconds, for audit records.
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

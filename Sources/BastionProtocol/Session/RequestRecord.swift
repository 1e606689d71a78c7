/// What happened to one inbound message, handed to the ``SessionObserver`` before the answer leaves.
public struct RequestRecord: Sendable {
    /// How the request ended.
    public enum Outcome: Sendable, Hashable {
        /// Answered with a result.
        case ok
        /// Answered with a JSON-RPC error.
        case error(code: Int, message: String)
        /// Cancelled by the client or by shutdown; no answer was sent.
        case cancelled
        /// Refused before dispatch (malformed, oversized, too deep, out of phase).
        case rejected(code: Int, message: String)
    }

    /// The request id, when there was a readable one.
    public var id: RequestID?
    /// The method, or `nil` when the message was unreadable.
    public var method: String?
    /// How it ended.
    public var outcome: Outcome
    /// Time from receipt to completion.
    public var duration: Duration
    /// Size of the inbound message in bytes.
    public var byteCount: Int
    /// Facts added by the handler (tool name, decision, permission, argument summary).
    public var annotations: [String: JSONValue]

    /// Creates a record.
    public init(
        id: RequestID?,
        method: String?,
        outcome: Outcome,
        duration: Duration,
        byteCount: Int,
        annotations: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.method = method
        self.outcome = outcome
        self.duration = duration
        self.byteCount = byteCount
        self.annotations = annotations
    }
}

/// Which request an outgoing message belongs to, for a transport that answers each request on a
/// stream of its own (handshake-era Streamable HTTP: each POST's response stream, and the GET
/// stream for what concerns no request).
public enum MessageRoute: Sendable, Hashable {
    /// The answer to the request with this id: the last message of its stream.
    case response(to: RequestID)
    /// The answer to a 2025-03-26 batch (one JSON array): the answers to these requests.
    case batch([RequestID])
    /// A notification or a server-to-client request sent while handling the request with this
    /// id (its progress, its log messages, its elicitation); `nil` when it concerns none.
    case related(to: RequestID?)
    /// An error without an id: the answer to a message refused whole (unparsable, a batch where
    /// batches do not exist), sent while the session reads it.
    case refusal
}

/// A ``MessageSink`` that is told where each message goes. A session whose sink is one routes
/// every message (the plain ``MessageSink/send(_:)`` is never called by the session).
public protocol RoutingMessageSink: MessageSink {
    /// Writes one complete, encoded message on the stream `route` names.
    /// - Returns: `false` when the peer is gone and the message was dropped.
    @discardableResult
    func send(_ message: consuming [UInt8], route: MessageRoute) -> Bool
}

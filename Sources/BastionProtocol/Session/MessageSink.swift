/// Where a session writes its outgoing messages: one connection of a transport.
///
/// Implementations serialize concurrent calls so messages never interleave.
public protocol MessageSink: Sendable {
    /// Writes one complete, encoded message (without framing); the sink adds its own framing.
    /// - Returns: `false` when the peer is gone and the message was dropped.
    @discardableResult
    func send(_ message: consuming [UInt8]) -> Bool
}

/// Where a session writes its outgoing messages: one connection of a transport.
///
/// Implementations serialize concurrent calls so messages never interleave, and never make the
/// caller wait for the peer: a send queues what the peer has not taken yet (bounded, see
/// `FileDescriptorSink`). Callers rely on it — change notices of every connection are sent from
/// one watcher thread, under a per-connection ordering lock (``MCPSession/beginListen(_:filter:honored:)``),
/// so a sink that waited for a client that stopped reading would stall everyone's notices.
public protocol MessageSink: Sendable {
    /// Writes one complete, encoded message (without framing); the sink adds its own framing.
    /// - Returns: `false` when the peer is gone and the message was dropped.
    @discardableResult
    func send(_ message: consuming [UInt8]) -> Bool
}

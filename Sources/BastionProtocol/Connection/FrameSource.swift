/// A transport that pushes its frames into the session from its own thread, with no hop between
/// the read and the dispatch: the stdio reader. ``MCPSession/receive(_:)`` only parses, admits and
/// starts handlers — it never blocks — so calling it on the transport's thread is safe, and saves
/// the round trip a task switch per request.
public protocol FrameSource: Sendable {
    /// Hands every inbound frame to `receiver`, in order, and returns when the peer closes its side.
    ///
    /// When the calling task is cancelled (the connection is being stopped) it returns promptly and
    /// hands over nothing more, even if its thread is still blocked reading.
    func deliver(to receiver: any FrameReceiver) async
}

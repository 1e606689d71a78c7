/// What a transport hands complete inbound frames to: the connection's ``MCPSession``, directly on
/// the transport's own thread when the transport is a ``FrameSource``.
public protocol FrameReceiver: Sendable {
    /// One complete frame; the buffer is valid only during the call.
    func receive(_ frame: UnsafeRawBufferPointer)
    /// A frame that exceeded the size limit and was discarded unread.
    func receiveOversizedFrame(byteCount: Int)
}

extension MCPSession: FrameReceiver {}

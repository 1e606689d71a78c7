public import BastionProtocol

/// What a transport hands complete inbound frames to.
public protocol FrameReceiver: Sendable {
    /// One complete frame; the buffer is valid only during the call.
    func receive(_ frame: UnsafeRawBufferPointer)
    /// A frame that exceeded the size limit and was discarded unread.
    func receiveOversizedFrame(byteCount: Int)
}

extension MCPSession: FrameReceiver {}

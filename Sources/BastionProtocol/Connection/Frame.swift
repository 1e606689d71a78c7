/// One unit of inbound input as a transport delimits it: a complete message, or the size of one
/// that exceeded the limit and was discarded unread (so the session can answer it without holding it).
public enum Frame: Sendable, Hashable {
    /// A complete message (one JSON-RPC message or batch).
    case message([UInt8])
    /// A message longer than the transport's limit, dropped before it was buffered.
    case oversized(byteCount: Int)
}

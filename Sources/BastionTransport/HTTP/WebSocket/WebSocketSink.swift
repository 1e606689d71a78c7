import BastionProtocol
import NIOCore
import NIOWebSocket
import Synchronization

/// What a WebSocket session sends, waiting for the socket's one writer: ``MessageSink/send(_:)``
/// never blocks, and a client that stops reading can leave only so much unread
/// (``maximumMessages``, ``maximumBytes``) before its socket is closed — a slow client costs its
/// own session, never the server's memory. Control frames (pong, ping, close) share the queue, so
/// frames never interleave.
final class WebSocketSink: MessageSink, Sendable {
    /// One frame to write.
    enum Outgoing: Sendable {
        /// A JSON-RPC message, as one text frame.
        case message([UInt8])
        /// A control frame.
        case control(WebSocketFrame)
    }

    private struct State {
        var pendingBytes = 0
        var isFinished = false
    }

    static let maximumMessages = 1024
    static let maximumBytes = 64 << 20

    /// The frames in order, for the writer; finished when the session or the socket ends.
    let outgoing: AsyncStream<Outgoing>
    private let input: AsyncStream<Outgoing>.Continuation
    private let state = Mutex(State())

    init() {
        (outgoing, input) = AsyncStream.makeStream(
            of: Outgoing.self,
            bufferingPolicy: .bufferingOldest(Self.maximumMessages)
        )
    }

    func send(_ message: consuming [UInt8]) -> Bool {
        let message = message
        let admitted = state.withLock { state -> Bool in
            guard !state.isFinished, state.pendingBytes + message.count <= Self.maximumBytes else { return false }
            state.pendingBytes += message.count
            return true
        }
        guard admitted, enqueue(.message(message)) else {
            finish()
            return false
        }
        return true
    }

    /// Queues a control frame.
    func control(_ frame: WebSocketFrame) {
        guard !state.withLock({ $0.isFinished }) else { return }
        if !enqueue(.control(frame)) { finish() }
    }

    /// Queues a close frame with `code`, then ends the queue.
    func close(_ code: WebSocketErrorCode) {
        var payload = ByteBuffer()
        payload.write(webSocketErrorCode: code)
        control(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
        finish()
    }

    /// Notes that the writer took a message of `byteCount` bytes off the queue.
    func taken(_ byteCount: Int) {
        state.withLock { $0.pendingBytes -= byteCount }
    }

    /// Ends the queue: what is queued is still written, nothing more is taken.
    func finish() {
        state.withLock { $0.isFinished = true }
        input.finish()
    }

    /// Whether the queue has ended.
    var isFinished: Bool { state.withLock { $0.isFinished } }

    private func enqueue(_ frame: Outgoing) -> Bool {
        if case .enqueued = input.yield(frame) { return true }
        return false  // more than maximumMessages unread: the client has stopped reading
    }
}

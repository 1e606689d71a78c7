import BastionProtocol
import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket (`/ws`, subprotocol `mcp`) as one MCP connection: each text message is a
/// JSON-RPC message, in order, each answer or notification a text message — the same session as
/// stdio's, over a socket. It ends when the client closes the socket, when the server stops
/// (a close frame is sent), when the client leaves too much unread (``WebSocketSink``), or when
/// it answers no ping for ``pingInterval``.
///
/// RFC 6455 on NIO's frame codec: client frames must be masked, messages may be fragmented (up
/// to ``maxMessageBytes``, checked before anything is appended), text must be UTF-8, binary
/// messages are refused (1003), pings are answered, a close is echoed.
struct WebSocketSession<Server: HTTPServing>: Sendable {
    let server: Server
    let client: Server.Client
    /// The largest message taken (a longer one closes the socket with 1009).
    let maxMessageBytes: Int
    /// How often the server pings; a client silent for two intervals is gone.
    var pingInterval: Duration = .seconds(30)

    private enum Finished { case reader, session, writer, pinger }

    /// When the client was last heard from (any frame).
    private final class LastHeard: Sendable {
        let time = Mutex(ContinuousClock.now)
    }

    /// Serves the socket until it ends.
    func run(_ socket: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async {
        try? await socket.executeThenClose { inbound, outbound in
            let (frames, input) = AsyncStream.makeStream(of: Frame.self)
            let sink = WebSocketSink()
            let heard = LastHeard()
            let connection = Connection(credentials: .anonymous, transport: "websocket", frames: frames, sink: sink)
            try await withThrowingTaskGroup(of: Finished.self) { group in
                group.addTask {
                    // The server disconnects the client when the session ends, however it ends.
                    try? await server.serve(connection, as: client)
                    return .session
                }
                group.addTask {
                    for await frame in sink.outgoing {
                        switch frame {
                        case .message(let bytes):
                            sink.taken(bytes.count)
                            try await outbound.write(
                                WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: bytes))
                            )
                        case .control(let control):
                            try await outbound.write(control)
                            if control.opcode == .connectionClose { return .writer }
                        }
                    }
                    return .writer
                }
                group.addTask {
                    defer { input.finish() }
                    let code = try await read(inbound, into: input, sink: sink) { heard.time.withLock { $0 = .now } }
                    sink.close(code)
                    return .reader
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: pingInterval)
                        guard heard.time.withLock({ $0 }).duration(to: .now) < pingInterval * 2 else { return .pinger }
                        sink.control(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()))
                    }
                }
                while let finished = try await group.next() {
                    switch finished {
                    case .session: sink.close(.normalClosure)  // the writer sends it, then ends
                    case .reader: break  // its frames have ended: the session ends next
                    case .writer, .pinger: group.cancelAll()
                    }
                }
            }
        }
    }

    /// Reads frames until the client closes or breaks the protocol; returns the close code to send.
    private func read(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
        into input: AsyncStream<Frame>.Continuation,
        sink: WebSocketSink,
        heard: () -> Void
    ) async throws -> WebSocketErrorCode {
        var message: [UInt8] = []
        var inMessage = false
        for try await frame in inbound {
            heard()
            guard frame.maskKey != nil else { return .protocolError }  // RFC 6455 §5.1
            var data = frame.unmaskedData
            switch frame.opcode {
            case .text:
                guard !inMessage else { return .protocolError }
                message.removeAll(keepingCapacity: true)
            case .continuation:
                guard inMessage else { return .protocolError }
            case .binary:
                return .unacceptableData
            case .ping:
                sink.control(WebSocketFrame(fin: true, opcode: .pong, data: data))
                continue
            case .pong:
                continue
            case .connectionClose:
                return .normalClosure
            default:
                return .protocolError
            }
            guard message.count + data.readableBytes <= maxMessageBytes else { return .messageTooLarge }
            message += data.readBytes(length: data.readableBytes) ?? []
            inMessage = !frame.fin
            guard !inMessage else { continue }
            guard String(validating: message, as: UTF8.self) != nil else { return .dataInconsistentWithMessage }
            input.yield(.message(message))
            message = []
        }
        return .normalClosure
    }
}

import NIOCore
import NIOHTTP1
import NIOWebSocket

/// What the listener does with a request that asks for a WebSocket upgrade: upgrade it, with the
/// response's extra header fields and what serves the socket, or refuse it with an HTTP answer.
enum WebSocketDecision: Sendable {
    /// Upgrade; `serve` owns the socket until it returns.
    case upgrade(headers: HTTPHeaders, serve: @Sendable (NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async -> Void)
    /// Answer `refusal` and close the connection.
    case refuse(HTTPRefusal)
}

import BastionProtocol
import HTTPTypes
import NIOCore
import NIOHTTP1

extension MCPHTTPResponder {
    /// What a WebSocket upgrade request gets: on `/ws`, with the `mcp` subprotocol, from a
    /// client that authenticates (certificate, signature, token, or loopback trust) and is within
    /// its limits, the upgrade; otherwise the refusal any other request would get (audited, 401s
    /// by the server). The socket is then one MCP connection (``WebSocketSession``).
    func webSocketDecision(_ request: HTTPRequest, on channel: any Channel) async -> WebSocketDecision {
        // The upgrade decision is this connection's first request head.
        admission.ledger.sawRequest(ObjectIdentifier(channel))
        let path = request.path ?? ""
        do throws(HTTPRefusal) {
            guard path == "/ws" || path.hasPrefix("/ws?") else {
                throw HTTPRefusal(
                    status: 404,
                    code: JSONRPCError.invalidRequestCode,
                    message: "WebSocket connections are served at /ws"
                )
            }
            try checkHost(request)
            try checkOrigin(request)
            guard Self.offersMCPSubprotocol(request.headerFields) else {
                throw HTTPRefusal(
                    status: 400,
                    code: JSONRPCError.invalidRequestCode,
                    message: "the WebSocket subprotocol must be mcp (Sec-WebSocket-Protocol: mcp)"
                )
            }
            let client = try await authenticate(request, on: channel, body: [], transport: "websocket")
            let session = WebSocketSession(server: server, client: client, maxMessageBytes: settings.maxBodyBytes)
            return .upgrade(headers: HTTPHeaders([("Sec-WebSocket-Protocol", "mcp")])) { socket in
                await session.run(socket)
            }
        } catch {
            if error.status != 401 {
                server.refused(
                    error,
                    method: request.method.rawValue,
                    path: path,
                    clientID: error.clientID,
                    peer: channel.remoteAddress?.ipAddress
                )
            }
            return .refuse(error)
        }
    }

    /// Whether `Sec-WebSocket-Protocol` (one or more fields, comma-separated tokens) lists `mcp`.
    static func offersMCPSubprotocol(_ fields: HTTPFields) -> Bool {
        fields[values: HTTPField.Name("Sec-WebSocket-Protocol")!].contains { value in
            value.split(separator: ",").contains(where: isMCP)
        }
    }

    private static func isMCP(_ token: Substring) -> Bool {
        var token = token
        while token.first == " " || token.first == "\t" { token.removeFirst() }
        while token.last == " " || token.last == "\t" { token.removeLast() }
        return token == "mcp"
    }
}

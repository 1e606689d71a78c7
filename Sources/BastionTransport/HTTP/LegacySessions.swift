import BastionProtocol
import Hummingbird

/// The handshake-era sessions of `/mcp` (2025-03-26 … 2025-11-25 Streamable HTTP).
final class LegacySessions<Server: HTTPServing>: Sendable {
    let server: Server
    let settings: HTTPTransportSettings

    init(server: Server, settings: HTTPTransportSettings) {
        self.server = server
        self.settings = settings
    }

    func respond(
        to request: Request,
        headers: MCPRequestHeaders,
        credentials: TransportCredentials
    ) async throws(HTTPRefusal) -> Response {
        throw HTTPRefusal(
            status: 400,
            code: JSONRPCError.invalidRequestCode,
            message: "this server speaks 2026-07-28 over HTTP: send MCP-Protocol-Version: 2026-07-28"
        )
    }
}

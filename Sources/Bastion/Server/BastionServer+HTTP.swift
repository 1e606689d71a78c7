import BastionProtocol
import BastionSecurity
import BastionTransport
public import Logging
import ServiceLifecycle

extension BastionServer {
    /// Serves MCP over HTTP (`bastion serve --http`): `[transport.http]` (or its defaults) on
    /// Hummingbird, every request through the same security chain and audit as stdio, until a
    /// signal or ``BastionService/requestShutdown(reason:)`` stops it.
    ///
    /// Until token and certificate authentication land, the listener must be on a loopback
    /// address, where a request that presents nothing is the client `clientID`, as stdio's
    /// process is; a listener on any other address is refused.
    ///
    /// - Parameters:
    ///   - clientID: The client a loopback request without credentials is.
    ///   - logger: The server's logger.
    ///   - onListening: Called once bound, with the URL of `/mcp`.
    /// - Throws: ``ServerError`` when the address is refused, or as ``serveStdio(clientID:logger:)``.
    public func serveHTTP(
        clientID: String,
        logger: Logger,
        onListening: @escaping @Sendable (String) -> Void
    ) async throws(ServerError) {
        let http = configuration.http ?? HTTPTransportConfiguration()
        guard let (host, port) = http.listenHostAndPort else {
            throw ServerError("invalid HTTP listen address \"\(http.listen)\"; expected HOST:PORT or [IPV6]:PORT")
        }
        guard http.isLoopback else {
            throw ServerError(
                "HTTP on \(http.listen) is refused: a listener on a non-loopback address needs TLS and "
                    + "authentication (JWT or mutual TLS), which this build does not offer yet; listen on 127.0.0.1"
            )
        }
        var server = self
        server.loopbackClient = clientID
        let service = try BastionService(server: server, logger: logger)
        guard service.clients.clients[clientID] != nil else {
            let known = configuration.clients.map(\.id).joined(separator: ", ")
            throw ServerError("no client \"\(clientID)\" is configured (configured clients: \(known))")
        }
        logger.warning(
            "HTTP without authentication on a loopback address: every local process that reaches \(http.listen) acts as client \(clientID)"
        )
        let settings = HTTPTransportSettings(
            host: host,
            port: port,
            maxBodyBytes: configuration.server.maxMessageBytes,
            allowedOrigins: http.allowedOrigins,
            allowedHosts: HTTPTransportSettings.loopbackHosts
        )
        let transport = HTTPTransport(
            server: HTTPGateway(service: service, challenge: []),
            settings: settings,
            logger: logger,
            onListening: onListening
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: transport, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            throw ServerError("the server stopped on an error: \(error)")
        }
    }
}

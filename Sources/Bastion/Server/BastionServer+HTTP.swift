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
    /// With `tls_cert`/`tls_key` it speaks TLS 1.3 only; with `client_ca` too, every client
    /// presents a certificate and is the client whose `auth.mtls_subject` is its subject.
    /// Without `client_ca` the listener must be on a loopback address, where a request that
    /// presents nothing is the client `clientID`, as stdio's process is; a listener on any other
    /// address without TLS and mutual TLS is refused.
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
        let tls = http.tlsCert.map { certificate in
            HTTPTLSSettings(
                certificateChainPath: certificate,
                privateKeyPath: http.tlsKey ?? "",
                clientCAPath: http.clientCA
            )
        }
        // Who a request is: its client certificate (mutual TLS) when a client CA is set; else,
        // on a loopback listener only, the one client this process serves.
        let isAuthenticated = tls?.isMutual == true
        guard http.isLoopback || (tls != nil && isAuthenticated) else {
            throw ServerError(
                "HTTP on \(http.listen) is refused: a listener on a non-loopback address needs TLS (tls_cert, "
                    + "tls_key) and authentication (client_ca for mutual TLS); or listen on 127.0.0.1"
            )
        }
        var server = self
        server.loopbackClient = isAuthenticated ? nil : clientID
        let service = try BastionService(server: server, logger: logger)
        if !isAuthenticated {
            guard service.clients.clients[clientID] != nil else {
                let known = configuration.clients.map(\.id).joined(separator: ", ")
                throw ServerError("no client \"\(clientID)\" is configured (configured clients: \(known))")
            }
            logger.warning(
                "HTTP without authentication on a loopback address: every local process that reaches \(http.listen) acts as client \(clientID)"
            )
        }
        if let tls {
            // Read now, so a bad file stops the start with its name rather than the listener later.
            do {
                _ = try tls.makeConfiguration()
            } catch {
                throw ServerError("[transport.http] TLS: \(error)")
            }
        }
        let settings = HTTPTransportSettings(
            host: host,
            port: port,
            maxBodyBytes: configuration.server.maxMessageBytes,
            allowedOrigins: http.allowedOrigins,
            allowedHosts: http.isLoopback ? HTTPTransportSettings.loopbackHosts : [],
            tls: tls
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

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
        // Who a request is: its client certificate (mutual TLS), bearer token or signature; else,
        // on a loopback listener without any of them configured, the one client this process serves.
        if configuration.jwt != nil, tokenVerifier == nil {
            throw ServerError("[auth.jwt] is configured but no token verifier was made")
        }
        // A client with a signature key means requests are signed: none is anyone by default.
        let signs = configuration.clients.contains { $0.auth.signatureKey != nil || $0.auth.signatureKeyFile != nil }
        let isAuthenticated = tls?.isMutual == true || tokenVerifier != nil || signs
        guard http.isLoopback || (tls != nil && isAuthenticated) else {
            throw ServerError(
                "HTTP on \(http.listen) is refused: a listener on a non-loopback address needs TLS (tls_cert, "
                    + "tls_key) and authentication ([auth.jwt], client_ca for mutual TLS, or a client's "
                    + "auth.signature_key); or listen on 127.0.0.1"
            )
        }
        // A signature covers the target URI. Without public_url its authority is the request's
        // Host, which on a public listener the sender picks: a request signed for another server
        // sharing the key would verify here (review 14, finding 2).
        guard !signs || http.isLoopback || http.publicURL != nil else {
            throw ServerError(
                "HTTP on \(http.listen) is refused: a client has an auth.signature_key, and a signature covers "
                    + "the server's URL, so a non-loopback listener needs [transport.http] public_url "
                    + "(e.g. \"https://mcp.example.com/mcp\")"
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
        var settings = HTTPTransportSettings(
            host: host,
            port: port,
            maxBodyBytes: http.maxBodyKB.map { $0 << 10 } ?? configuration.server.maxMessageBytes,
            allowedOrigins: http.allowedOrigins,
            allowedHosts: http.isLoopback ? HTTPTransportSettings.loopbackHosts : [],
            tls: tls,
            publicURL: http.publicURL,
            limits: HTTPLimits(
                maxConnections: http.maxConnections,
                maxConnectionsPerClient: http.maxConnectionsPerClient,
                headerTimeout: .milliseconds(http.headerTimeoutMS),
                bodyTimeout: .milliseconds(http.bodyTimeoutMS),
                requestsPerSecond: http.requestsPerSecond
            )
        )
        if let publicURL = http.publicURL, let publicHost = Self.host(ofURL: publicURL), !settings.allowedHosts.isEmpty
        {
            settings.allowedHosts.append(publicHost)
        }
        var challenge: [(name: String, value: String)] = [(name: "WWW-Authenticate", value: "Bearer")]
        if let jwt = configuration.jwt, let resource = jwt.audience ?? http.publicURL {
            // RFC 9728: where a client learns which authorization server issues tokens for us.
            settings.resourceMetadata = JSONWriter.encode([
                "resource": .string(resource),
                "authorization_servers": .array(jwt.authorizationServers.map { .string($0) }),
                "bearer_methods_supported": ["header"],
                "scopes_supported": .array(jwt.requiredScopes.map { .string($0) }),
            ])
            if let metadataURL = Self.metadataURL(forResource: resource) {
                challenge = [(name: "WWW-Authenticate", value: #"Bearer resource_metadata="\#(metadataURL)""#)]
            }
        }
        let transport = HTTPTransport(
            server: HTTPGateway(
                service: service,
                challenge: challenge,
                tokens: tokenVerifier,
                requiredScopes: configuration.jwt?.requiredScopes ?? []
            ),
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

    /// The host of an http(s) URL, lower-cased, without port (`[v6]` kept bracketed).
    static func host(ofURL url: String) -> String? {
        guard let rest = Self.afterScheme(url) else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// What follows `http://` or `https://`.
    private static func afterScheme(_ url: String) -> Substring? {
        for scheme in ["https://", "http://"] where url.hasPrefix(scheme) { return url.dropFirst(scheme.count) }
        return nil
    }

    /// RFC 9728 §3.1: the metadata of `https://host/mcp` is at
    /// `https://host/.well-known/oauth-protected-resource/mcp`.
    static func metadataURL(forResource resource: String) -> String? {
        guard let rest = Self.afterScheme(resource) else { return nil }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let origin = resource[..<authorityEnd]
        let path = rest[authorityEnd...].prefix { $0 != "?" && $0 != "#" }
        return origin + "/.well-known/oauth-protected-resource" + (path == "/" ? "" : path)
    }
}

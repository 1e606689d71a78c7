/// How the HTTP transport listens and what it accepts (`[transport.http]`, resolved by the server).
public struct HTTPTransportSettings: Sendable {
    /// The address to bind: a host name or address, and a port (0 picks a free one).
    public var host: String
    /// The port to bind; 0 picks a free one.
    public var port: Int
    /// The largest request body read, in bytes (413 beyond).
    public var maxBodyBytes: Int
    /// The `Origin` values accepted; a request that sends another one is refused (403). A request
    /// without `Origin` (not a browser) is not concerned.
    public var allowedOrigins: [String]
    /// The `Host` names accepted, lower-cased, without port (421 otherwise: DNS rebinding); empty
    /// accepts any.
    public var allowedHosts: [String]
    /// How long a connection may stay idle, between requests or inside one, before it is closed.
    public var idleTimeout: Duration
    /// How often a quiet SSE stream gets a keep-alive comment: how soon a client that went away
    /// is noticed (and how proxies are kept from closing the stream).
    public var keepAliveInterval: Duration
    /// How long a request may take before its answer becomes an SSE stream (``FirstMessage``).
    public var streamAfter: Duration
    /// TLS, when the listener has a certificate; `nil`: plain HTTP.
    public var tls: HTTPTLSSettings?
    /// The RFC 9728 protected-resource metadata, encoded (served at
    /// `/.well-known/oauth-protected-resource`, also under `/mcp`); `nil`: 404 there.
    public var resourceMetadata: [UInt8]?
    /// The URL the `listening` line shows when it is not the bound address (`public_url`).
    public var publicURL: String?
    /// Connections, time and rate each peer may use.
    public var limits: HTTPLimits

    /// Creates settings.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8765,
        maxBodyBytes: Int = 4 << 20,
        allowedOrigins: [String] = [],
        allowedHosts: [String] = [],
        idleTimeout: Duration = .seconds(60),
        keepAliveInterval: Duration = .seconds(15),
        streamAfter: Duration = FirstMessage.patience,
        tls: HTTPTLSSettings? = nil,
        publicURL: String? = nil,
        limits: HTTPLimits = HTTPLimits()
    ) {
        self.limits = limits
        self.tls = tls
        self.streamAfter = streamAfter
        self.keepAliveInterval = keepAliveInterval
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.allowedOrigins = allowedOrigins
        self.allowedHosts = allowedHosts
        self.idleTimeout = idleTimeout
        self.publicURL = publicURL
    }

    /// The host names of a loopback listener: what a local client's `Host` header says.
    public static let loopbackHosts = ["localhost", "127.0.0.1", "::1", "[::1]"]
}

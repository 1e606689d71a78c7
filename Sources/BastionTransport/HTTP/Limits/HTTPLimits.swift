/// What one listener lets its peers hold (`[transport.http]`): connections, time and request rate.
///
/// A peer that has not yet authenticated holds little — a few connections per address, each
/// closed unless a request reaches the server within ``headerTimeout`` (a TLS handshake that
/// never ends, plain HTTP to the TLS port, a request head sent a byte at a time). An
/// authenticated client holds at most ``maxConnectionsPerClient`` connections and sends at most
/// ``requestsPerSecond`` requests (429 beyond), so one client's abuse costs the others nothing
/// beyond its own share.
public struct HTTPLimits: Sendable, Hashable {
    /// Connections open at once over all peers; one more is closed as it arrives.
    public var maxConnections: Int
    /// Connections one client holds at once (`max_connections_per_client`); a request on one more
    /// is answered 429 and its connection closed.
    public var maxConnectionsPerClient: Int
    /// Connections one address may have open before any request on them authenticated.
    public var maxPendingConnectionsPerAddress: Int
    /// How long a request head may take to arrive: from the connection's start (TLS handshake
    /// included) to its first request, and from an answer to the next request head.
    public var headerTimeout: Duration
    /// How long a request body may take to arrive once its head has.
    public var bodyTimeout: Duration
    /// Requests per second one client may send (`requests_per_second`), with a burst of as many;
    /// `nil`: no limit.
    public var requestsPerSecond: Int?
    /// The largest request head, all header fields together, in bytes (431/closed beyond).
    public var maxHeaderBytes: Int

    /// Creates limits.
    public init(
        maxConnections: Int = 1024,
        maxConnectionsPerClient: Int = 128,
        maxPendingConnectionsPerAddress: Int = 256,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(60),
        requestsPerSecond: Int? = nil,
        maxHeaderBytes: Int = 32 << 10
    ) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.maxPendingConnectionsPerAddress = maxPendingConnectionsPerAddress
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.requestsPerSecond = requestsPerSecond
        self.maxHeaderBytes = maxHeaderBytes
    }
}

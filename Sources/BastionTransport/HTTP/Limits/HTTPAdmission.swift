import BastionProtocol
import NIOCore

/// The step between authentication and the server: a client that holds its share of
/// connections, or has spent its requests for this second, is answered 429 (with `Retry-After`)
/// and goes no further.
struct HTTPAdmission: Sendable {
    /// The listener's connections.
    let ledger: ConnectionLedger
    /// `requests_per_second`, when set.
    let rateLimiter: RequestRateLimiter?

    init(limits: HTTPLimits) {
        self.ledger = ConnectionLedger(limits: limits)
        self.rateLimiter = limits.requestsPerSecond.map { RequestRateLimiter(rate: $0) }
    }

    /// Admits one request of `clientID` that came on `channel` (a connection, or an HTTP/2 stream of one).
    /// - Throws: ``HTTPRefusal`` 429 when the client is over a limit.
    /// - Parameter cost: The requests the body carries (a batch's count), each a token.
    func admit(_ clientID: String, on channel: any Channel, cost: Int = 1) throws(HTTPRefusal) {
        do {
            try ledger.admit(ObjectIdentifier(channel), channel.parent.map(ObjectIdentifier.init), client: clientID)
        } catch {
            throw HTTPRefusal(
                status: 429,
                code: JSONRPCError.internalErrorCode,
                message: "this client holds \(ledger.limits.maxConnectionsPerClient) connections already; "
                    + "reuse one (max_connections_per_client)",
                headers: [(name: "Retry-After", value: "1")]
            )
        }
        if let rateLimiter, let wait = rateLimiter.take(clientID, cost: cost) {
            throw HTTPRefusal(
                status: 429,
                code: JSONRPCError.internalErrorCode,
                message: "rate limit: at most \(rateLimiter.rate) requests per second (requests_per_second)",
                headers: [(name: "Retry-After", value: RequestRateLimiter.retryAfter(wait))]
            )
        }
    }
}

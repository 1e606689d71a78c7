public import BastionProtocol
public import BastionSecurity
import Synchronization

/// The entry point of a stateless transport (2026-07-28 Streamable HTTP): one request at a time,
/// each through the same security chain and audit as a connection's, none of them a session.
extension BastionService {
    /// Serves one request of a stateless transport: a JSON-RPC message (the POST's body) and the
    /// request's header fields in; the exchange, whose ``MCPExchange/messages`` the transport
    /// writes out (a response alone as JSON, anything before it as SSE), out.
    ///
    /// The client is the one the transport authenticated (``authenticate(_:transport:)``, once
    /// per request or per HTTP connection; the transport disconnects it). The request runs in a
    /// session of its own, with the client's routes, limits and audit, and without `connect`,
    /// `session-start` or `session-end` records: its `request` record names the client, the
    /// transport and the revision. What it leaves behind belongs to the client across requests
    /// (process sessions, tasks-extension tasks, ``MCPExchange/sharedScope``), so the next
    /// request, on any connection, finds it. A `subscriptions/listen` stays open until the client
    /// drops its stream; a reload and shutdown reach the exchange like any connection.
    ///
    /// - Parameters:
    ///   - body: The request's body, as received.
    ///   - headers: Its header fields (``MCPRequestHeaders``: checked against the body, -32020).
    ///   - client: The authenticated client.
    /// The client's requests together hold at most its `max_concurrent_requests` (a request
    /// beyond is answered -32005) and ``ExchangeQuota/maximumListens`` listens.
    ///
    /// - Returns: The running exchange, and what its body was (for the status: a request's
    ///   answer comes in its messages; a notification is 202; a refused body an HTTP error).
    /// - Throws: ``ServerError`` when the service is not running.
    public func exchange(
        _ body: [UInt8],
        headers: MCPRequestHeaders,
        as client: ClientContext
    ) async throws(ServerError) -> (exchange: MCPExchange, body: MCPExchange.Body) {
        guard await isRunning() else { throw ServerError("the server is shutting down") }
        let sessionConfiguration = server.sessionConfiguration(for: client, configuration: configuration)
        let exchange = MCPExchange(
            headers: headers,
            configuration: sessionConfiguration,
            router: runtime.makeRouter(for: client),
            observer: AuditingObserver(audit: audit, client: client),
            id: SessionID.makeExchange(),
            logger: logger,
            quota: exchangeQuota(of: client.id, maximumRunning: sessionConfiguration.maxConcurrentRequests)
        ) { [weak self] session in
            self?.runtime.resources.sessionEnded(session)
            self?.unregister(session: session.id)
        }
        let session = exchange.session
        let live = LiveConnection(session: session, client: client) { grace in
            Task { await session.close(grace: grace) }
        }
        guard register(live) else {
            exchange.cancel()
            throw ServerError("the server is shutting down")
        }
        let kind = body.withUnsafeBytes { exchange.receive($0) }
        return (exchange, kind)
    }

    /// The quota all of a client's stateless requests share, made at its first; a reload that
    /// changes the client's limit applies to the quota made after the change.
    private func exchangeQuota(of client: String, maximumRunning: Int) -> ExchangeQuota {
        state.withLock { state in
            if let quota = state.exchangeQuotas[client], quota.maximumRunning == max(1, maximumRunning) {
                return quota
            }
            let quota = ExchangeQuota(maximumRunning: maximumRunning)
            state.exchangeQuotas[client] = quota
            return quota
        }
    }
}

public import BastionProtocol
public import BastionSecurity

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
    /// - Returns: The running exchange.
    /// - Throws: ``ServerError`` when the service is not running.
    public func exchange(
        _ body: [UInt8],
        headers: MCPRequestHeaders,
        as client: ClientContext
    ) async throws(ServerError) -> MCPExchange {
        guard await isRunning() else { throw ServerError("the server is shutting down") }
        let exchange = MCPExchange(
            headers: headers,
            configuration: server.sessionConfiguration(for: client, configuration: configuration),
            router: runtime.makeRouter(for: client),
            observer: AuditingObserver(audit: audit, client: client),
            id: SessionID.make(),
            logger: logger
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
        body.withUnsafeBytes { exchange.receive($0) }
        return exchange
    }
}

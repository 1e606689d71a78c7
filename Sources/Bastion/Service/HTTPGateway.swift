import BastionProtocol
import BastionSecurity
import BastionTransport

/// The HTTP transport's way into the service: each request authenticated (401 with the
/// resource metadata's address), each 2026-07-28 request an ``BastionService/exchange(_:headers:as:)``,
/// each handshake-era session a connection (``BastionService/serve(_:as:)``), each refusal audited.
struct HTTPGateway: HTTPServing {
    let service: BastionService
    /// `WWW-Authenticate` and the like, sent with every 401.
    let challenge: [(name: String, value: String)]
    /// Verifies bearer tokens (`[auth.jwt]`); `nil`: a token proves nothing.
    var tokens: (any BearerTokenVerifier)? = nil
    /// The scopes every token must hold, for a 403's `WWW-Authenticate`.
    var requiredScopes: [String] = []

    /// The transport name of the audit records.
    static let transport = "http"

    func authenticate(
        _ credentials: TransportCredentials,
        transport: String,
        peer: String?
    ) async throws(HTTPRefusal) -> ClientContext {
        var credentials = credentials
        if case .bearerToken(let token) = credentials {
            // The token is verified here; what it proves (its subject) goes through the chain.
            do throws(AuthenticationError) {
                guard let tokens else {
                    throw AuthenticationError(
                        code: .unsupportedCredentials,
                        message: "no [auth.jwt] verifies bearer tokens"
                    )
                }
                credentials = .tokenSubject(try await tokens.verify(token).subject)
            } catch {
                service.recordAuthenticationFailure(
                    error,
                    credentials: "bearer-token",
                    transport: transport,
                    peer: peer
                )
                guard error.code == .insufficientScope else { throw HTTPRefusal.unauthorized(headers: challenge) }
                let scope = requiredScopes.joined(separator: " ")
                throw HTTPRefusal(
                    status: 403,
                    code: JSONRPCError.invalidRequestCode,
                    message: "insufficient scope",
                    headers: [
                        (name: "WWW-Authenticate", value: #"Bearer error="insufficient_scope", scope="\#(scope)""#)
                    ]
                )
            }
        }
        do {
            // The registry records a failure; the record names the address it came from.
            return try RefusalRecords.$peer.withValue(peer) {
                try service.authenticateRequest(credentials, transport: transport)
            }
        } catch {
            // The failure is audited (`auth-failure`); the client learns nothing more.
            throw HTTPRefusal.unauthorized(headers: challenge)
        }
    }

    var acceptsSignatures: Bool { service.clients.acceptsSignatures }

    func clientID(of client: ClientContext) -> String { client.id }

    func release(_ client: ClientContext) { service.disconnect(client) }

    func exchange(
        _ body: [UInt8],
        headers: MCPRequestHeaders,
        as client: ClientContext
    ) async throws(HTTPRefusal) -> (exchange: MCPExchange, body: MCPExchange.Body) {
        do {
            return try await service.exchange(body, headers: headers, as: client)
        } catch {
            throw HTTPRefusal.unavailable
        }
    }

    func refused(_ refusal: HTTPRefusal, method: String, path: String, clientID: String?, peer: String?) {
        var fields: [String: JSONValue] = ["status": .int(Int64(refusal.status))]
        // A connection refused on arrival has neither.
        if !method.isEmpty { fields["http_method"] = .string(String(method.prefix(16))) }
        if !path.isEmpty { fields["path"] = .string(String(path.prefix(256))) }
        if let reason = refusal.error?.message { fields["reason"] = .string(reason) }
        let entry = AuditEntry(event: "http-refusal", client: clientID, transport: Self.transport, fields: fields)
        // The transport's tallies of refused connections come throttled already.
        if method.isEmpty, peer == nil {
            service.audit.record(entry)
        } else {
            service.refusals.record(entry, kind: String(refusal.status), peer: peer)
        }
    }

    func serve(_ connection: Connection, as client: ClientContext) async throws(HTTPRefusal) {
        do {
            try await service.serve(connection, as: client)
        } catch {
            throw HTTPRefusal.unavailable
        }
    }
}

public import BastionProtocol

/// What the HTTP transport needs from the server behind it: authentication (step 1 of the
/// security chain) and the two ways a request is served — a stateless 2026-07-28 exchange, or a
/// frame of a handshake-era session. The transport does HTTP; everything MCP is the server's.
public protocol HTTPServing: Sendable {
    /// An authenticated client, opaque to the transport.
    associatedtype Client: Sendable

    /// Authenticates one request from what it presented; `transport` names it in the records
    /// (`http`, or `websocket` for an upgrade), `peer` is the address it came from.
    /// - Throws: ``HTTPRefusal`` (401, audited by the server) when the credentials prove nothing.
    func authenticate(
        _ credentials: TransportCredentials,
        transport: String,
        peer: String?
    ) async throws(HTTPRefusal) -> Client

    /// Whether some client now signs its requests: only then is a request's `Signature-Input`
    /// its credentials (review 14, finding 10), else it is ignored and its token, if any, counts.
    var acceptsSignatures: Bool { get }

    /// The configured client id of `client`: a session is bound to it.
    func clientID(of client: Client) -> String

    /// Ends what ``authenticate(_:)`` began, once the request is answered.
    func release(_ client: Client)

    /// Serves one 2026-07-28 request (``MCPExchange``).
    /// - Throws: ``HTTPRefusal`` (503) when the server is shutting down.
    func exchange(
        _ body: [UInt8],
        headers: MCPRequestHeaders,
        as client: Client
    ) async throws(HTTPRefusal) -> (exchange: MCPExchange, body: MCPExchange.Body)

    /// Records a request the transport refused (bad Host or Origin, method, media type, size,
    /// unknown path or session, a limit), with the client when one was authenticated before the
    /// refusal and the address it came from; authentication failures are recorded by
    /// ``authenticate(_:transport:peer:)`` itself. A refusal with no method and no peer is the
    /// transport's tally of refused connections, throttled already.
    func refused(_ refusal: HTTPRefusal, method: String, path: String, clientID: String?, peer: String?)

    /// Serves a handshake-era session until its frames end (the session is deleted or expires)
    /// or the server stops. The transport calls it once per session, from a task of its own.
    /// - Throws: ``HTTPRefusal`` when the server refuses the session (shutting down).
    func serve(_ connection: Connection, as client: Client) async throws(HTTPRefusal)
}

extension HTTPServing {
    /// Signatures are looked at unless a server says it has no key.
    public var acceptsSignatures: Bool { true }

    /// Authenticates one HTTP request from an unknown address (``authenticate(_:transport:peer:)`` as `http`).
    public func authenticate(_ credentials: TransportCredentials) async throws(HTTPRefusal) -> Client {
        try await authenticate(credentials, transport: "http", peer: nil)
    }
}

import BastionProtocol
import HTTPTypes
public import Hummingbird
import NIOCore
import Synchronization

/// Bastion's HTTP endpoints, on Hummingbird: `/mcp` (Streamable HTTP, both eras), `/healthz`.
///
/// Every request first passes the checks that concern no client yet — `Host` (421, DNS
/// rebinding) and `Origin` (403) —, then its endpoint's own (method 405, `Accept` 406,
/// `Content-Type` 415, body size 413), then authentication (401), and only then reaches the
/// server, which runs it through the security chain and audit like any stdio request. A refusal
/// is answered with its status and, on `/mcp`, a JSON-RPC error body, and recorded through
/// ``HTTPServing/refused(_:method:path:)``; the listener keeps serving everyone else.
///
/// The path is matched directly rather than through Hummingbird's router: there are a handful
/// of fixed paths, and the round trip is a hot path.
public struct MCPHTTPResponder<Server: HTTPServing>: HTTPResponder {
    public typealias Context = HTTPPeerContext

    let server: Server
    let settings: HTTPTransportSettings
    let sessions: LegacySessions<Server>
    let admission: HTTPAdmission

    /// Creates the responder of one listener.
    public init(server: Server, settings: HTTPTransportSettings) {
        self.init(server: server, settings: settings, sessions: LegacySessions(server: server, settings: settings))
    }

    init(server: Server, settings: HTTPTransportSettings, sessions: LegacySessions<Server>) {
        self.server = server
        self.settings = settings
        self.sessions = sessions
        self.admission = HTTPAdmission(limits: settings.limits)
    }

    /// The legacy sessions' registry (for the transport's shutdown).
    var legacySessions: LegacySessions<Server> { sessions }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        do {
            // A health check answers nothing about anyone: it is served whatever its Host (a
            // load balancer's check names none, or its own).
            if path == "/healthz", request.method == .get || request.method == .head {
                return Self.json(status: .ok, Array(#"{"status":"ok"}"#.utf8))
            }
            try checkHost(request.head)
            try checkOrigin(request.head)
            switch path {
            case "/mcp":
                return try await mcp(request, context: context)
            case "/sse":
                return try await sessions.openEventStream(request) { body, requests throws(HTTPRefusal) in
                    try await authenticate(request.head, on: context.channel, body: body, cost: requests)
                }
            case "/messages":
                return try await sessions.postMessage(request) { body, requests throws(HTTPRefusal) in
                    try await authenticate(request.head, on: context.channel, body: body, cost: requests)
                }
            case "/ws":
                // Upgrades never get here (HTTP1UpgradableChannel decides on them); anything else,
                // HTTP/2 included, is told how to connect.
                throw HTTPRefusal(
                    status: 426,
                    code: JSONRPCError.invalidRequestCode,
                    message: "/ws takes a WebSocket: an HTTP/1.1 upgrade (Upgrade: websocket, Sec-WebSocket-Protocol: "
                        + "mcp) as a connection's first request",
                    headers: [(name: "Upgrade", value: "websocket"), (name: "Connection", value: "Upgrade")]
                )
            case "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp":
                guard request.method == .get || request.method == .head else {
                    throw HTTPRefusal.methodNotAllowed(allow: "GET, HEAD")
                }
                guard let metadata = settings.resourceMetadata else {
                    throw HTTPRefusal(
                        status: 404,
                        code: JSONRPCError.invalidRequestCode,
                        message: "this server takes no OAuth tokens"
                    )
                }
                return Self.json(status: .ok, metadata)
            case "/healthz":
                guard request.method == .get || request.method == .head else {
                    throw HTTPRefusal.methodNotAllowed(allow: "GET, HEAD")
                }
                return Self.json(status: .ok, Array(#"{"status":"ok"}"#.utf8))
            default:
                throw HTTPRefusal(
                    status: 404,
                    code: JSONRPCError.invalidRequestCode,
                    message: "no endpoint at this path"
                )
            }
        } catch {
            let refusal = error as? HTTPRefusal ?? .internalError
            // Authentication failures have their own record, written by the server.
            if refusal.status != 401 {
                server.refused(
                    refusal,
                    method: request.method.rawValue,
                    path: path,
                    clientID: refusal.clientID,
                    peer: context.channel.remoteAddress?.ipAddress
                )
            }
            return Self.response(refusal)
        }
    }

    /// `/mcp`: routed by `MCP-Protocol-Version` (MCP-2026-07-28 §10): none, or a handshake-era
    /// version, goes to the session transport; anything else, and a repeated header, to the
    /// stateless one, whose check answers a bad or repeated version.
    private func mcp(_ request: Request, context: Context) async throws(HTTPRefusal) -> Response {
        let headers = MCPRequestHeaders(request.headers.map { (name: $0.name.rawName, value: $0.value) })
        if Self.isLegacy(headers) {
            return try await sessions.respond(to: request, headers: headers) { body, requests throws(HTTPRefusal) in
                try await authenticate(request.head, on: context.channel, body: body, cost: requests)
            }
        }
        guard request.method == .post else { throw HTTPRefusal.methodNotAllowed(allow: "POST") }
        try HTTPRequestChecks.checkAccept(request)
        try HTTPRequestChecks.checkContentType(request)
        let body = try await HTTPRequestChecks.collectBody(request, limit: settings.maxBodyBytes)
        let client = try await authenticate(request.head, on: context.channel, body: body)
        let exchange: MCPExchange
        let kind: MCPExchange.Body
        do {
            (exchange, kind) = try await server.exchange(body, headers: headers, as: client)
        } catch {
            server.release(client)
            throw error
        }
        switch kind {
        case .notification:
            server.release(client)
            return Response(status: .accepted)
        case .refused(let error):
            server.release(client)
            throw HTTPRefusal(status: MCPRequestHeaders.httpStatus(forErrorCode: error.code), error: error)
        case .request:
            return await Self.answer(exchange, keepAlive: settings.keepAliveInterval, patience: settings.streamAfter) {
                server.release(client)
            }
        }
    }

    /// The answer of a running exchange: its response alone as JSON, or, when anything comes
    /// before it (progress, a log message, a listen's acknowledgement), everything as SSE.
    static func answer(
        _ exchange: MCPExchange,
        keepAlive: Duration,
        patience: Duration,
        release: @escaping @Sendable () -> Void
    ) async -> Response {
        let stream = ExchangeStream(exchange, release: release)
        let pending: Task<MCPExchange.Message?, Never>?
        switch await FirstMessage.wait(patience: patience, { await stream.next() }) {
        case .message(let first?):
            if case .response = first.kind {
                stream.end()
                return json(status: HTTPResponse.Status(code: first.httpStatus), first.bytes)
            }
            pending = Task { first }
        case .message(nil):
            stream.end()
            // Nothing came: the server stopped before the request could be answered.
            return response(HTTPRefusal.unavailable)
        case .late(let task):
            pending = task
        }
        var headers = HTTPFields()
        headers[.contentType] = ServerSentEvents.mediaType
        headers[.cacheControl] = "no-cache"
        let first = Mutex<Task<MCPExchange.Message?, Never>?>(pending)
        let events = SSEEvents {
            // The first message (already here, or still awaited), then the rest.
            if let task = first.withLock({ task in
                defer { task = nil }
                return task
            }) {
                return await task.value.map { SSEEvents.Message(json: $0.bytes) }
            }
            return await stream.next().map { SSEEvents.Message(json: $0.bytes) }
        }
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                do {
                    try await EventStreamPump.run(events, prefix: nil, keepAlive: keepAlive, into: &writer)
                    stream.end()
                } catch {
                    // The client went away: on HTTP, closing the stream is the cancellation.
                    stream.cancel()
                    throw error
                }
            }
        )
    }

    // MARK: Checks

    /// Whether a request on `/mcp` belongs to the handshake era's session transport.
    static func isLegacy(_ headers: MCPRequestHeaders) -> Bool {
        if headers.isProtocolVersionRepeated { return false }
        guard let text = headers.protocolVersion else { return true }
        guard let version = ProtocolVersion(rawValue: text) else { return false }
        return !version.isModern
    }

    /// 421 for a `Host` this listener does not serve (a DNS-rebinding page reaches a loopback
    /// server under the attacker's host name); 400 for a request target that is not a path,
    /// or a `Host` that is repeated, disagrees with the target, or is not `host[:port]`.
    func checkHost(_ request: HTTPRequest) throws(HTTPRefusal) {
        let malformed = HTTPRefusal(
            status: 400,
            code: JSONRPCError.invalidRequestCode,
            message: "the request target or the Host header is malformed"
        )
        guard let path = request.path, path.hasPrefix("/") else { throw malformed }
        let hosts = request.headerFields[values: HTTPField.Name("Host")!]
        guard hosts.count <= 1, hosts.allSatisfy({ $0 == request.authority }) else { throw malformed }
        guard !settings.allowedHosts.isEmpty else { return }
        guard let authority = request.authority else {
            throw HTTPRefusal(status: 400, code: JSONRPCError.invalidRequestCode, message: "the Host header is missing")
        }
        guard Self.isWellFormed(authority: authority) else { throw malformed }
        let host = Self.hostName(of: authority)
        guard settings.allowedHosts.contains(host) else {
            throw HTTPRefusal(
                status: 421,
                code: JSONRPCError.invalidRequestCode,
                message: "this server does not serve the host named in the Host header"
            )
        }
    }

    /// Whether `authority` is `host`, `host:PORT`, `[v6]` or `[v6]:PORT` (digits only, no more).
    static func isWellFormed(authority: String) -> Bool {
        let bytes = Array(authority.utf8)
        var rest: ArraySlice<UInt8>
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 1 else { return false }
            guard bytes[1..<close].allSatisfy({ $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") || Self.isHex($0) })
            else { return false }
            rest = bytes[(close + 1)...]
        } else {
            let end = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.endIndex
            guard end > 0, bytes[..<end].allSatisfy(Self.isHostByte) else { return false }
            rest = bytes[end...]
        }
        guard !rest.isEmpty else { return true }
        guard rest.first == UInt8(ascii: ":") else { return false }
        rest = rest.dropFirst()
        return !rest.isEmpty && rest.count <= 5 && rest.allSatisfy { (0x30...0x39).contains($0) }
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// A byte of a registered name or IPv4 address (RFC 3986 unreserved, without `~` and `_`).
    private static func isHostByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// A byte of RFC 7235 token68 (what a bearer token is made of).
    static func isToken68(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || [
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
                UInt8(ascii: "/"), UInt8(ascii: "="),
            ].contains(byte)
    }

    /// The host of an authority (`host[:port]`, `[v6][:port]`), lower-cased, without the port.
    static func hostName(of authority: String) -> String {
        let lowered = authority.lowercased()
        if lowered.hasPrefix("["), let close = lowered.firstIndex(of: "]") {
            return String(lowered[...close])
        }
        if let colon = lowered.lastIndex(of: ":"), lowered.firstIndex(of: ":") == colon {
            return String(lowered[..<colon])
        }
        return lowered
    }

    /// 403 for an `Origin` that is not allowed (a browser page of another site).
    func checkOrigin(_ request: HTTPRequest) throws(HTTPRefusal) {
        guard let origin = request.headerFields[.origin] else { return }
        guard settings.allowedOrigins.contains(origin) else {
            throw HTTPRefusal(
                status: 403,
                code: JSONRPCError.invalidRequestCode,
                message: "the Origin \(origin.prefix(100)) is not allowed"
            )
        }
    }

    /// Authenticates a request whose body (which a signature covers) was read, then admits its
    /// client (``HTTPAdmission``: connections, rate). The client is released when refused here.
    func authenticate(
        _ request: HTTPRequest,
        on channel: any Channel,
        body: [UInt8],
        transport: String = "http",
        cost: Int = 1
    ) async throws(HTTPRefusal) -> Server.Client {
        let client = try await server.authenticate(
            await credentials(request, on: channel, body: body),
            transport: transport,
            peer: channel.remoteAddress?.ipAddress
        )
        let clientID = server.clientID(of: client)
        do {
            try admission.admit(clientID, on: channel, cost: cost)
        } catch {
            server.release(client)
            var refusal = error
            refusal.clientID = clientID
            throw refusal
        }
        return client
    }

    /// What the request presented: the verified client certificate of its connection (mutual
    /// TLS), else an RFC 9421 signature (when some client has a key), else a bearer token, else
    /// nothing.
    func credentials(_ request: HTTPRequest, on channel: any Channel, body: [UInt8] = []) async -> TransportCredentials
    {
        if settings.tls?.isMutual == true, let subject = await HTTPPeerContext.peerCertificateSubject(of: channel) {
            return .certificateSubject(subject)
        }
        if request.headerFields[Self.signatureInput] != nil, server.acceptsSignatures {
            return .signedRequest(signedView(of: request, body: body))
        }
        let authorizations = request.headerFields[values: .authorization]
        guard !authorizations.isEmpty else { return .anonymous }
        // Whatever is not exactly one `Bearer <token>` is a token that proves nothing (401,
        // audited), never a request that presented nothing.
        guard authorizations.count == 1 else { return .bearerToken("") }
        let value = authorizations[0]
        let scheme = value.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer" else { return .bearerToken("") }
        let token = value.dropFirst(scheme.count).drop { $0 == " " }
        guard !token.isEmpty, token.utf8.allSatisfy(Self.isToken68) else { return .bearerToken("") }
        return .bearerToken(String(token))
    }

    static var signatureInput: HTTPField.Name { HTTPField.Name("Signature-Input")! }

    /// The request as a signature covers it. The target URI's scheme and authority are the
    /// ones clients were told (`public_url`) when set — behind a proxy that terminates TLS they
    /// are not this listener's —, else this listener's scheme and the request's `Host`.
    func signedView(of request: HTTPRequest, body: [UInt8]) -> SignedHTTPRequest {
        let origin: String
        if let publicURL = settings.publicURL, let scheme = ["https://", "http://"].first(where: publicURL.hasPrefix) {
            origin = scheme + publicURL.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" }
        } else {
            origin = (settings.tls == nil ? "http://" : "https://") + (request.authority ?? "")
        }
        return SignedHTTPRequest(
            method: request.method.rawValue,
            targetURI: origin + (request.path ?? "/"),
            fields: request.headerFields.map { SignedHTTPRequest.Field(name: $0.name.canonicalName, value: $0.value) },
            body: body
        )
    }

    // MARK: Responses

    /// A JSON body with `status`.
    static func json(status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The answer to a refusal: its status, its headers, its JSON-RPC error (id null).
    static func response(_ refusal: HTTPRefusal) -> Response {
        var response = json(status: HTTPResponse.Status(code: refusal.status), refusal.jsonBody)
        for (name, value) in refusal.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }
}

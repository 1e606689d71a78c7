import BastionProtocol
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The handshake-era sessions of the HTTP listener: Streamable HTTP on `/mcp` (2025-03-26 …
/// 2025-11-25: `MCP-Session-Id` issued with the `initialize` answer, POST, GET, DELETE) and
/// HTTP+SSE on `/sse` + `/messages` (2024-11-05).
///
/// A session is one connection of the server's (``HTTPServing/serve(_:as:)``), bound to the
/// client that initialized it: every later request must authenticate as the same client, and
/// one that does not, or names a session that does not exist or has ended, gets 404 — the same
/// answer, so a client learns nothing about another's sessions. Sessions are bounded in number
/// (``maximumSessions``; 503 beyond) and reaped after ``idleTimeout`` without a request.
final class LegacySessions<Server: HTTPServing>: Sendable {
    let server: Server
    let settings: HTTPTransportSettings
    private let table = Mutex<[String: LegacyHTTPSession]>([:])
    /// What all sessions keep for replay together (``ReplayBudget/listenerMaximumBytes``).
    let replayBudget = ReplayBudget(limit: ReplayBudget.listenerMaximumBytes)
    /// What each client's sessions keep together, by client id (bounded by the configured clients).
    private let clientReplayBudgets = Mutex<[String: ReplayBudget]>([:])

    /// Sessions open at once, over all clients.
    let maximumSessions: Int
    /// Sessions one client may hold at once: one client cannot take every slot.
    let maximumSessionsPerClient: Int
    /// How long a session may go without a request (and without an open stream) before it ends.
    let idleTimeout: Duration

    static var sessionHeader: HTTPField.Name { HTTPField.Name("Mcp-Session-Id")! }
    static var lastEventIDHeader: HTTPField.Name { HTTPField.Name("Last-Event-ID")! }

    /// The `retry:` of a priming event, in milliseconds: how long a client whose stream dropped
    /// waits before resuming it (the 1.30.0 Python client's own default).
    static var retryMilliseconds: Int { 1000 }

    /// Authenticates the request being served, given its body (empty when it has none) and how
    /// many requests it carries (a 2025-03-26 batch's count, which the rate limit charges), and
    /// admits its client (``MCPHTTPResponder/authenticate(_:on:body:transport:cost:)``).
    typealias Authenticate = (_ body: [UInt8], _ requests: Int) async throws(HTTPRefusal) -> Server.Client

    init(
        server: Server,
        settings: HTTPTransportSettings,
        maximumSessions: Int = 1024,
        maximumSessionsPerClient: Int = 64,
        idleTimeout: Duration = .seconds(1800)
    ) {
        self.maximumSessionsPerClient = maximumSessionsPerClient
        self.server = server
        self.settings = settings
        self.maximumSessions = maximumSessions
        self.idleTimeout = idleTimeout
    }

    /// The sessions open now.
    var count: Int { table.withLock { $0.count } }

    /// The ids of the sessions open now, for tests.
    var sessionIDs: [String] { table.withLock { Array($0.keys) } }

    // MARK: Streamable HTTP (/mcp)

    /// A handshake-era request on `/mcp`.
    func respond(
        to request: Request,
        headers: MCPRequestHeaders,
        authenticate: Authenticate
    ) async throws(HTTPRefusal) -> Response {
        switch request.method {
        case .post: return try await post(request, authenticate: authenticate)
        case .get: return try await get(request, authenticate: authenticate)
        case .delete: return try await delete(request, authenticate: authenticate)
        default: throw HTTPRefusal.methodNotAllowed(allow: "GET, POST, DELETE")
        }
    }

    private func post(_ request: Request, authenticate: Authenticate) async throws(HTTPRefusal) -> Response {
        try HTTPRequestChecks.checkAccept(request)
        try HTTPRequestChecks.checkContentType(request)
        let body = try await HTTPRequestChecks.collectBody(request, limit: settings.maxBodyBytes)
        guard let posted = PostedBody(body) else {
            throw HTTPRefusal(status: 400, error: .parseError("the body is not JSON"))
        }
        // A batch costs one token per message it carries (review 14, finding 7).
        let client = try await authenticate(body, posted.messageCount)
        guard let sessionID = request.headers[Self.sessionHeader] else {
            // Only an initialize opens a session; the client keeps it for the session's life.
            guard posted.isInitialize else {
                server.release(client)
                throw HTTPRefusal(
                    status: 400,
                    code: JSONRPCError.invalidRequestCode,
                    message: "no MCP-Session-Id: initialize first (or send MCP-Protocol-Version: 2026-07-28)"
                )
            }
            return try await initialize(body, posted: posted, client: client)
        }
        defer { server.release(client) }
        let session = try find(sessionID, for: client, mode: .streamable)
        guard !posted.isInitialize else {
            throw HTTPRefusal(
                status: 400,
                code: JSONRPCError.invalidRequestCode,
                message: "this session is initialized already"
            )
        }
        guard !posted.requestIDs.isEmpty else {
            // Notifications and answers to the server's requests: taken.
            guard session.deliver(body) else { throw Self.notFound }
            return Response(status: .accepted)
        }
        let stream: OutboundStream
        switch session.openStream(for: posted.requestIDs) {
        case .success(let opened): stream = opened
        case .failure(.ended): throw Self.notFound
        case .failure(.duplicateID):
            throw HTTPRefusal(
                status: 400,
                code: JSONRPCError.invalidRequestCode,
                message: "a request with this id is already in flight on the session"
            )
        }
        guard session.deliver(body, answeringOn: stream) else {
            session.closed(stream)
            throw Self.notFound
        }
        return await answer(stream, of: session, extraHeaders: [])
    }

    /// Opens a session with its `initialize`: the MCP session starts (its `connect` and
    /// `session-start` records written), the answer carries the new `MCP-Session-Id`. An
    /// initialize that fails leaves no session behind (and no id to hold one with).
    private func initialize(
        _ body: [UInt8],
        posted: PostedBody,
        client: Server.Client
    ) async throws(HTTPRefusal)
        -> Response
    {
        let session = try await open(for: client, mode: .streamable)
        guard case .success(let stream) = session.openStream(for: posted.requestIDs),
            session.deliver(body, answeringOn: stream)
        else {
            remove(session)
            session.end()
            throw HTTPRefusal.unavailable
        }
        // The handshake answers at once; no stream, no keep-alive.
        guard let answer = await stream.next() else {
            remove(session)
            session.end()
            throw HTTPRefusal.unavailable
        }
        session.closed(stream)
        guard let json = try? JSONParser.parse(answer), let result = json["result"] else {
            remove(session)
            session.end()
            return MCPHTTPResponder<Server>.json(status: .badRequest, answer)
        }
        session.negotiated(result["protocolVersion"]?.stringValue.flatMap(ProtocolVersion.init(rawValue:)))
        var response = MCPHTTPResponder<Server>.json(status: .ok, answer)
        response.headers[Self.sessionHeader] = session.id
        return response
    }

    private func get(_ request: Request, authenticate: Authenticate) async throws(HTTPRefusal) -> Response {
        let accepts = request.headers[values: .accept].joined(separator: ",").lowercased()
        guard accepts.contains(ServerSentEvents.mediaType) || accepts.contains("*/*") else {
            throw HTTPRefusal(
                status: 406,
                code: JSONRPCError.invalidRequestCode,
                message: "the Accept header must list text/event-stream"
            )
        }
        guard let sessionID = request.headers[Self.sessionHeader] else {
            throw HTTPRefusal(status: 400, code: JSONRPCError.invalidRequestCode, message: "no MCP-Session-Id")
        }
        let client = try await authenticate([], 1)
        defer { server.release(client) }
        let session = try find(sessionID, for: client, mode: .streamable)
        let lastEventIDs = request.headers[values: Self.lastEventIDHeader]
        guard lastEventIDs.isEmpty else { return try resume(session, lastEventIDs: lastEventIDs) }
        // A second GET replaces the first (its client reconnected; the old one is finished).
        guard let stream = session.openStandalone() else { throw Self.notFound }
        return self.stream(stream, of: session, prefix: nil)
    }

    /// A GET with `Last-Event-ID`: the stream that event belongs to, from the event after it.
    ///
    /// 400 for an id that is malformed (one header, `TAG-STREAM-SEQUENCE`, at most
    /// ``SSEEventID/maximumLength`` characters) or that this session never sent (another
    /// session's, a stream or event it never had); 410 for one it sent whose stream has ended
    /// and been forgotten or whose following events are no longer kept. Never 404: to a client
    /// that means the session is gone, and it would initialize again.
    private func resume(_ session: LegacyHTTPSession, lastEventIDs: [String]) throws(HTTPRefusal) -> Response {
        guard lastEventIDs.count == 1, let eventID = SSEEventID(lastEventIDs[0]) else {
            throw Self.refusal(400, "the Last-Event-ID is malformed", clientID: session.clientID)
        }
        switch session.resume(eventID) {
        case .success(let (stream, reader)):
            return self.stream(stream, reader: reader, of: session, prefix: nil)
        case .failure(.notIssued):
            throw Self.refusal(400, "the Last-Event-ID names no event of this session", clientID: session.clientID)
        case .failure(.gone):
            throw Self.refusal(
                410,
                "the stream of this Last-Event-ID has ended or its events are no longer kept",
                clientID: session.clientID
            )
        }
    }

    private static func refusal(_ status: Int, _ message: String, clientID: String) -> HTTPRefusal {
        var refusal = HTTPRefusal(status: status, code: JSONRPCError.invalidRequestCode, message: message)
        refusal.clientID = clientID
        return refusal
    }

    private func delete(_ request: Request, authenticate: Authenticate) async throws(HTTPRefusal) -> Response {
        guard let sessionID = request.headers[Self.sessionHeader] else {
            throw HTTPRefusal(status: 400, code: JSONRPCError.invalidRequestCode, message: "no MCP-Session-Id")
        }
        let client = try await authenticate([], 1)
        defer { server.release(client) }
        let session = try find(sessionID, for: client, mode: .streamable)
        remove(session)
        session.end()
        return Response(status: .ok)
    }

    // MARK: HTTP+SSE (/sse, /messages)

    /// `GET /sse`: a 2024-11-05 session, its one stream opened with the `endpoint` event.
    func openEventStream(_ request: Request, authenticate: Authenticate) async throws(HTTPRefusal) -> Response {
        guard request.method == .get else { throw HTTPRefusal.methodNotAllowed(allow: "GET") }
        let client = try await authenticate([], 1)
        let session = try await open(for: client, mode: .singleStream)
        guard let stream = session.openStandalone() else {
            session.end()
            throw HTTPRefusal.unavailable
        }
        var endpoint = ByteBufferAllocator().buffer(capacity: 96)
        endpoint.writeString("event: endpoint\ndata: /messages?session_id=\(session.id)\n\n")
        // The stream is the session: when the client drops it, the session ends.
        return self.stream(stream, of: session, prefix: endpoint, endsSession: true)
    }

    /// `POST /messages?session_id=…`: a message of a 2024-11-05 session, answered on its stream.
    func postMessage(_ request: Request, authenticate: Authenticate) async throws(HTTPRefusal) -> Response {
        guard request.method == .post else { throw HTTPRefusal.methodNotAllowed(allow: "POST") }
        try HTTPRequestChecks.checkContentType(request)
        guard let sessionID = request.uri.queryParameters["session_id"].map(String.init) else {
            throw HTTPRefusal(status: 400, code: JSONRPCError.invalidRequestCode, message: "no session_id")
        }
        let body = try await HTTPRequestChecks.collectBody(request, limit: settings.maxBodyBytes)
        let client = try await authenticate(body, PostedBody(body)?.messageCount ?? 1)
        defer { server.release(client) }
        let session = try find(sessionID, for: client, mode: .singleStream)
        guard session.deliver(body) else { throw Self.notFound }
        return Response(status: .accepted)
    }

    // MARK: The table

    /// The replay budget all of `clientID`'s sessions share, made at its first.
    func replayBudget(of clientID: String) -> ReplayBudget {
        clientReplayBudgets.withLock { budgets in
            if let budget = budgets[clientID] { return budget }
            let budget = ReplayBudget(limit: ReplayBudget.clientMaximumBytes, parent: replayBudget)
            budgets[clientID] = budget
            return budget
        }
    }

    /// Registers a new session for `client`, starts serving it and waits until it reads.
    private func open(
        for client: Server.Client,
        mode: LegacyHTTPSession.Mode
    ) async throws(HTTPRefusal) -> LegacyHTTPSession {
        reapIdle()
        let clientID = server.clientID(of: client)
        let session = LegacyHTTPSession(
            id: Self.makeSessionID(),
            clientID: clientID,
            mode: mode,
            replayBudget: ReplayBudget(parent: replayBudget(of: clientID))
        )
        let added = table.withLock { table -> Bool in
            guard table.count < maximumSessions,
                table.values.lazy.filter({ $0.clientID == clientID }).count < maximumSessionsPerClient
            else { return false }
            table[session.id] = session
            return true
        }
        guard added else {
            server.release(client)
            throw HTTPRefusal(
                status: 503,
                code: JSONRPCError.internalErrorCode,
                message: "too many sessions are open; end one (DELETE) or retry later",
                headers: [(name: "Retry-After", value: "5")]
            )
        }
        let connection = Connection(
            credentials: .anonymous,
            transport: mode == .singleStream ? "sse" : "http",
            source: session,
            sink: session
        )
        Task { [server] in
            // The server disconnects the client when the session ends, however it ends.
            try? await server.serve(connection, as: client)
            self.remove(session)
            session.end()
        }
        guard await session.ready() else {
            remove(session)
            throw HTTPRefusal.unavailable
        }
        return session
    }

    /// The session `id` if it exists, is of `mode` and belongs to `client`; 404 otherwise,
    /// whichever it is.
    private func find(
        _ id: String,
        for client: Server.Client,
        mode: LegacyHTTPSession.Mode
    ) throws(HTTPRefusal) -> LegacyHTTPSession {
        guard let session = table.withLock({ $0[id] }), session.mode == mode,
            session.clientID == server.clientID(of: client)
        else { throw Self.notFound }
        return session
    }

    private func remove(_ session: LegacyHTTPSession) {
        table.withLock { table in
            if table[session.id] === session { table[session.id] = nil }
        }
    }

    /// Ends the sessions idle past ``idleTimeout``.
    func reapIdle(now: ContinuousClock.Instant = .now) {
        let idle = table.withLock { table -> [LegacyHTTPSession] in
            let idle = table.values.filter { $0.isIdle(for: idleTimeout, now: now) }
            for session in idle { table[session.id] = nil }
            return idle
        }
        for session in idle { session.end() }
    }

    /// Ends every session (the listener is stopping).
    func endAll() {
        let all = table.withLock { table in
            defer { table = [:] }
            return Array(table.values)
        }
        for session in all { session.end() }
    }

    static var notFound: HTTPRefusal { HTTPRefusal.sessionNotFound }

    /// 128 random bits as 32 hexadecimal digits (visible ASCII, as the specification requires).
    static func makeSessionID() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next(), generator.next()].map { (value: UInt64) -> String in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    // MARK: Answers

    /// A POST's answer: the response alone as JSON, or, when anything precedes it, an SSE stream.
    func answer(
        _ stream: OutboundStream,
        of session: LegacyHTTPSession,
        extraHeaders: [(HTTPField.Name, String)]
    ) async -> Response {
        var response: Response
        let reader = OutboundStream.firstReader
        switch await FirstMessage.wait(patience: settings.streamAfter, { await stream.next(reader) }) {
        case .message(nil):
            // Ended, or taken over by a resumption meanwhile: that reader keeps it (review 15).
            session.release(stream, reader: reader)
            return MCPHTTPResponder<Server>.response(Self.notFound)
        case .message(let first?):
            if stream.isDrained {
                session.closed(stream)
                response = MCPHTTPResponder<Server>.json(status: .ok, first.message)
            } else {
                var prefix = priming(stream, of: session) ?? ByteBuffer()
                var event = ServerSentEvents.event(
                    first.message,
                    id: session.eventID(stream: stream.number, sequence: first.sequence),
                    allocator: ByteBufferAllocator()
                )
                prefix.writeBuffer(&event)
                response = self.stream(stream, of: session, prefix: prefix)
            }
        case .late(let pending):
            // A slow request: an SSE stream at once, whose keep-alives notice a client gone.
            response = self.stream(stream, of: session, prefix: priming(stream, of: session), first: pending)
        }
        for (name, value) in extraHeaders { response.headers[name] = value }
        return response
    }

    /// The event a POST stream of a 2025-11-25 session opens with (sequence 0, empty data,
    /// ``retryMilliseconds``), so that a client losing it before any message can resume it;
    /// `nil` for older versions.
    func priming(_ stream: OutboundStream, of session: LegacyHTTPSession) -> ByteBuffer? {
        guard session.primesStreams else { return nil }
        return ServerSentEvents.priming(
            id: session.eventID(stream: stream.number, sequence: 0),
            retryMilliseconds: Self.retryMilliseconds,
            allocator: ByteBufferAllocator()
        )
    }

    /// An SSE response carrying `stream` for `reader` (after `prefix`), until it finishes, the
    /// client goes away, or another reader resumes it.
    func stream(
        _ stream: OutboundStream,
        reader: OutboundStream.Reader = OutboundStream.firstReader,
        of session: LegacyHTTPSession,
        prefix: ByteBuffer?,
        endsSession: Bool = false,
        first: Task<OutboundStream.Event?, Never>? = nil
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = ServerSentEvents.mediaType
        headers[.cacheControl] = "no-cache"
        let guarded = StreamGuard(stream: stream, reader: reader, session: session, endsSession: endsSession)
        let pending = Mutex(first)
        let events = SSEEvents {
            let event: OutboundStream.Event?
            if let task = pending.withLock({ task in
                defer { task = nil }
                return task
            }) {
                event = await task.value
            } else {
                event = await stream.next(reader)
            }
            return event.map {
                SSEEvents.Message(id: session.eventID(stream: stream.number, sequence: $0.sequence), json: $0.message)
            }
        }
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { [keepAlive = settings.keepAliveInterval] writer in
                var completed = false
                defer { guarded.close(completed: completed) }
                try await EventStreamPump.run(events, prefix: prefix, keepAlive: keepAlive, into: &writer)
                completed = true
            }
        )
    }
}

public import Logging
import Synchronization

/// One request of a stateless transport — a 2026-07-28 Streamable HTTP POST
/// (transports/streamable-http.mdx) —: one JSON-RPC message and the request's header fields in,
/// its messages out, in order: what is sent for it (progress, log messages, a listen's
/// acknowledgement and changes), then its response. No I/O: the HTTP transport reads the body,
/// hands it over with ``receive(_:)`` and writes ``messages`` as JSON (a response alone) or as an
/// SSE stream.
///
/// The request runs in a session of its own, modern from the start, with every rule of a modern
/// connection (the envelope checked, nothing inferred, the removed methods -32601) and one more:
/// the `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers must say what the body says
/// (-32020, ``MCPRequestHeaders``). It is not a session of the client's: the observer hears of
/// its request, never of a session start or end.
///
/// ``messages`` ends after the response; at once, with nothing, for a notification or a body
/// refused without an answer (``receive(_:)`` says which, for the transport's status: 202 or an
/// error); and when the client goes away (``cancel()``, or the stream is dropped unread), which
/// cancels the request as `notifications/cancelled` would (cancellation.mdx: on HTTP, closing the
/// stream is the cancellation). Once it has ended, the session is closed and `ended` runs.
public final class MCPExchange: Sendable {
    /// One message of the exchange, encoded, without framing.
    public struct Message: Sendable {
        /// What the message is to the transport.
        public enum Kind: Sendable, Hashable {
            /// Sent before the response (progress, a log message, a listen's notification).
            case notification
            /// The answer: the exchange's last message; `errorCode` when it is an error.
            case response(errorCode: Int?)

            init(_ message: JSONRPCMessage) {
                switch message {
                case .response: self = .response(errorCode: nil)
                case .errorResponse(_, let error): self = .response(errorCode: error.code)
                case .notification, .request: self = .notification
                }
            }
        }

        /// The JSON text.
        public let bytes: [UInt8]
        /// What it is.
        public let kind: Kind
        /// What stays alive while the message waits for the transport (the memory reserved for
        /// an answer): released when the transport drops the message, once written.
        let held: [any AnyObject & Sendable]

        init(bytes: [UInt8], kind: Kind, held: [any AnyObject & Sendable] = []) {
            self.bytes = bytes
            self.kind = kind
            self.held = held
        }

        /// The HTTP status of a response sent alone as JSON (``MCPRequestHeaders/httpStatus(forErrorCode:)``);
        /// 200 for a notification (on an SSE stream, whose status is 200).
        public var httpStatus: Int {
            guard case .response(let code) = kind else { return 200 }
            return MCPRequestHeaders.httpStatus(forErrorCode: code)
        }
    }

    /// What the transport makes of a body (``receive(_:)``).
    public enum Body: Sendable {
        /// A request: ``messages`` carries its answer (unless the client goes away first).
        case request
        /// A notification, taken: nothing comes back (HTTP 202).
        case notification
        /// Refused without an answer (a malformed notification, a response, which a 2026-07-28
        /// client never sends): the transport answers with an HTTP error (its status from
        /// ``MCPRequestHeaders/httpStatus(forErrorCode:)``).
        case refused(JSONRPCError)
    }

    /// The request's messages in order, its response last.
    public struct Messages: AsyncSequence, Sendable {
        let stream: AsyncStream<Message>
        let output: ExchangeOutput

        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncStream<Message>.AsyncIterator
            let output: ExchangeOutput

            public mutating func next() async -> Message? {
                let message = await base.next()
                if message != nil { output.taken() }
                return message
            }

            public mutating func next(isolation actor: isolated (any Actor)?) async -> Message? {
                let message = await base.next(isolation: actor)
                if message != nil { output.taken() }
                return message
            }
        }

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: stream.makeAsyncIterator(), output: output)
        }
    }

    /// The session the request runs in; its id names the request's records.
    package let session: MCPSession
    /// The request's messages, its response last.
    public let messages: Messages

    /// The id of the request's session in logs and audit records.
    public var sessionID: String { session.id }
    private let output: ExchangeOutput

    /// The share of server-side state (process sessions, tasks) the requests of a stateless
    /// transport create: the client's, across all of its requests (``MCPSession/stateScope``).
    public static let sharedScope = "2026-07-28"

    /// Creates an exchange; nothing runs before ``receive(_:)``.
    /// - Parameters:
    ///   - headers: The request's header fields.
    ///   - configuration: Identity, capabilities and limits, as for a connection's session.
    ///   - router: The method handlers.
    ///   - observer: Told about the request before its answer is written (the audit hook).
    ///   - id: The id of the request's session in logs and audit records.
    ///   - logger: The server's logger.
    ///   - quota: What the client's stateless requests may hold together (shared by all of its
    ///     exchanges); `nil` bounds nothing beyond this request.
    ///   - ended: Runs once the stream has ended and the session is closed (its handler stopped).
    public init(
        headers: MCPRequestHeaders,
        configuration: MCPSession.Configuration,
        router: RequestRouter,
        observer: any SessionObserver,
        id: String,
        logger: Logger,
        quota: ExchangeQuota? = nil,
        ended: @escaping @Sendable (MCPSession) async -> Void = { _ in }
    ) {
        let (stream, continuation) = AsyncStream.makeStream(of: Message.self)
        let output = ExchangeOutput(headers: headers, continuation: continuation, quota: quota)
        let session = MCPSession(
            configuration: configuration,
            router: router,
            sink: output,
            observer: observer,
            id: id,
            logger: logger,
            exchange: output
        )
        continuation.onTermination = { termination in
            // Finished (the response went out) or dropped (the client went away): either way the
            // session stops, and whatever still runs for the request is cancelled and waited for.
            Task {
                await session.close(grace: termination == .finished ? .seconds(1) : .zero)
                await ended(session)
            }
        }
        self.output = output
        self.session = session
        self.messages = Messages(stream: stream, output: output)
    }

    /// Notifications a transport that has not read them yet may leave waiting; past it a progress
    /// or log message is dropped and a listen's change ends the stream (the client listens again).
    public static let maximumBufferedMessages = 256

    /// Hands over the body of the request; never waits. An exchange takes one body: a second is
    /// refused unread.
    /// - Returns: What the body was, for the transport's status.
    @discardableResult
    public func receive(_ body: UnsafeRawBufferPointer) -> Body {
        let isFirst = session.state.withLock { state in
            defer { state.hasReceived = true }
            return !state.hasReceived
        }
        // Refused unread, without ending the exchange of the first.
        guard isFirst else { return .refused(.invalidRequest("an exchange takes one message")) }
        // Even on a closing session: the request is then refused, recorded and answered so.
        session.receive(body)
        if let refusal = output.refusal {
            output.finish()
            return .refused(refusal)
        }
        let isIdle = session.state.withLock { $0.isIdle }
        if output.hasResponse || !isIdle { return .request }
        // Nothing is left to answer: a notification (or a request whose answer cannot be sent).
        output.finish()
        return .notification
    }

    /// The client went away: the request is cancelled and nothing more is sent.
    public func cancel() {
        let running = session.state.withLock { state in state.inFlight.keys.map { $0 } }
        for id in running { session.cancelRequest(id) }
        output.finish()
    }
}

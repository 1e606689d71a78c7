import Synchronization

/// The messages of one ``MCPExchange``'s session, handed on in order until its response: after
/// the response (or once the exchange is cancelled or closed) nothing more goes out for the request.
///
/// The stream is unbounded, the output is not: at most ``MCPExchange/maximumBufferedMessages``
/// notifications wait for a transport that has not read them. Past it a progress or log message
/// is dropped (a later one supersedes it), and any other — a listen's change, which the client
/// must not miss — ends the output instead, so a stalled client learns by the end of its stream
/// that it must listen again. The response is always kept, and what it holds (its memory
/// reservation) stays held until the transport has taken it.
final class ExchangeOutput: MessageSink {
    /// The request's header fields, checked against its body.
    let headers: MCPRequestHeaders
    /// What the client's stateless requests hold together, when the transport bounds it.
    let quota: ExchangeQuota?
    private let continuation: AsyncStream<MCPExchange.Message>.Continuation
    private let limit: Int

    private struct State {
        var isFinished = false
        /// Yielded and not yet taken by the transport.
        var buffered = 0
        var hasResponse = false
        /// A body refused without an answer (a malformed notification, a posted response).
        var refusal: JSONRPCError?
    }

    private let state = Mutex(State())

    init(
        headers: MCPRequestHeaders,
        continuation: AsyncStream<MCPExchange.Message>.Continuation,
        quota: ExchangeQuota? = nil,
        limit: Int = MCPExchange.maximumBufferedMessages
    ) {
        self.headers = headers
        self.quota = quota
        self.continuation = continuation
        self.limit = limit
    }

    /// Hands on one encoded message; a response ends the output.
    /// - Parameter held: What must stay alive until the transport has taken the message.
    /// - Returns: `false` when the message was dropped (the output has ended, or it is a
    ///   superseded notification a stalled transport has no room for).
    @discardableResult
    func deliver(
        _ bytes: consuming [UInt8],
        kind: MCPExchange.Message.Kind,
        droppable: Bool = false,
        held: [any AnyObject & Sendable] = []
    ) -> Bool {
        let message = MCPExchange.Message(bytes: bytes, kind: kind, held: held)
        // Checked, yielded and finished under one lock: nothing can slip in after the response.
        return state.withLock { state -> Bool in
            guard !state.isFinished else { return false }
            if case .response = kind {
                state.hasResponse = true
            } else if state.buffered >= limit {
                if droppable { return false }
                finish(&state)
                return false
            }
            guard case .enqueued = continuation.yield(message) else { return false }
            state.buffered += 1
            if case .response = kind { finish(&state) }
            return true
        }
    }

    /// A batch is never answered on 2026-07-28; any other write is a notification.
    func send(_ message: consuming [UInt8]) -> Bool {
        deliver(message, kind: .notification)
    }

    /// The transport took one message.
    func taken() {
        state.withLock { $0.buffered -= 1 }
    }

    /// Ends the output; later messages are dropped.
    func finish() {
        state.withLock { finish(&$0) }
    }

    private func finish(_ state: inout State) {
        guard !state.isFinished else { return }
        state.isFinished = true
        continuation.finish()
    }

    /// Notes a body refused without an answer; the transport answers it with an HTTP error.
    func refuse(_ error: JSONRPCError) {
        state.withLock { if $0.refusal == nil { $0.refusal = error } }
    }

    /// Whether the output has ended.
    var hasFinished: Bool { state.withLock { $0.isFinished } }

    /// Whether the response went out.
    var hasResponse: Bool { state.withLock { $0.hasResponse } }

    /// The refusal of a body that got no answer, if any.
    var refusal: JSONRPCError? { state.withLock { $0.refusal } }
}

import Synchronization

/// The messages of one ``MCPExchange``'s session, handed on in order until its response: after
/// the response (or once the exchange is cancelled or closed) nothing more goes out for the request.
final class ExchangeOutput: MessageSink {
    /// The request's header fields, checked against its body.
    let headers: MCPRequestHeaders
    private let continuation: AsyncStream<MCPExchange.Message>.Continuation
    private let isFinished = Atomic<Bool>(false)

    init(headers: MCPRequestHeaders, continuation: AsyncStream<MCPExchange.Message>.Continuation) {
        self.headers = headers
        self.continuation = continuation
    }

    /// Hands on one encoded message; a response ends the output.
    /// - Returns: `false` once the output has ended (the message is dropped).
    @discardableResult
    func deliver(_ bytes: consuming [UInt8], kind: MCPExchange.Message.Kind) -> Bool {
        guard !isFinished.load(ordering: .acquiring) else { return false }
        // A full buffer drops its oldest message for this one (`.dropped`): this one is kept.
        if case .terminated = continuation.yield(MCPExchange.Message(bytes: bytes, kind: kind)) { return false }
        if case .response = kind { finish() }
        return true
    }

    /// A batch is never answered on 2026-07-28; any other write is a notification.
    func send(_ message: consuming [UInt8]) -> Bool {
        deliver(message, kind: .notification)
    }

    /// Ends the output; later messages are dropped.
    func finish() {
        guard !isFinished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        continuation.finish()
    }

    /// Whether the output has ended.
    var hasFinished: Bool { isFinished.load(ordering: .acquiring) }
}

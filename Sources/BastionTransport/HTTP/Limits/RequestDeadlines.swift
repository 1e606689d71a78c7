import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// On each HTTP/1.1 connection and HTTP/2 stream, after HTTP decoding: tells the
/// ``ConnectionLedger`` when a request head arrived (``ConnectionGuard`` closes connections
/// without one), and closes the connection when a request body takes longer than
/// ``HTTPLimits/bodyTimeout`` to arrive — Hummingbird's idle timeout restarts with every body
/// part, so a body sent a byte a minute would hold its connection forever.
final class RequestDeadlines: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let ledger: ConnectionLedger
    private let onMalformed: @Sendable () -> Void
    private var bodyDeadline: Scheduled<Void>?

    /// - Parameters:
    ///   - ledger: The listener's connections.
    ///   - onMalformed: Told of a request the HTTP codec could not parse (for the audit).
    init(ledger: ConnectionLedger, onMalformed: @escaping @Sendable () -> Void = {}) {
        self.ledger = ledger
        self.onMalformed = onMalformed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            let channel = context.channel
            // HTTP/1.1: this channel is the connection; HTTP/2: its parent is.
            ledger.sawRequest(ObjectIdentifier(channel), channel.parent.map(ObjectIdentifier.init))
            bodyDeadline?.cancel()
            bodyDeadline = context.eventLoop.assumeIsolated().scheduleTask(
                in: TimeAmount(ledger.limits.bodyTimeout)
            ) {
                channel.close(promise: nil)
            }
        case .body:
            break
        case .end:
            bodyDeadline?.cancel()
            bodyDeadline = nil
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The codec's parse errors come this way (it has answered 400 and closes).
        if error is HTTPParserError { onMalformed() }
        context.fireErrorCaught(error)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyDeadline?.cancel()
        bodyDeadline = nil
    }
}

import NIOCore

/// The first handler of every accepted connection, before TLS: lets it in through the
/// ``ConnectionLedger`` (or closes it at once), and closes it when no request head has arrived
/// within ``HTTPLimits/headerTimeout`` — a TLS handshake that never ends, plain HTTP sent to
/// the TLS port, garbage, a request head trickled a byte at a time —, and when no client has
/// authenticated on it ``HTTPLimits/bodyTimeout`` later (a peer that keeps a connection with
/// requests that are refused, or with health checks).
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let ledger: ConnectionLedger
    private let onRefused: @Sendable (ConnectionLedger.Refusal) -> Void
    private var phase = Phase.new
    private var deadline: Scheduled<Void>?

    /// - Parameters:
    ///   - ledger: The listener's connections.
    ///   - onRefused: Told of a connection closed because the ledger refused it (for the audit).
    init(ledger: ConnectionLedger, onRefused: @escaping @Sendable (ConnectionLedger.Refusal) -> Void) {
        self.ledger = ledger
        self.onRefused = onRefused
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { enter(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        enter(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leave(context)
    }

    private enum Phase { case new, entered, refused, left }

    private func enter(_ context: ChannelHandlerContext) {
        guard phase == .new else { return }
        let channel = context.channel
        let id = ObjectIdentifier(channel)
        do {
            try ledger.open(id, address: channel.remoteAddress?.ipAddress ?? "unknown")
        } catch {
            // Not entered: closing it must not release a slot it never took.
            phase = .refused
            onRefused(error)
            context.close(promise: nil)
            return
        }
        phase = .entered
        let ledger = ledger
        let limits = ledger.limits
        let loop = context.eventLoop
        deadline = loop.assumeIsolated().scheduleTask(in: TimeAmount(limits.headerTimeout)) {
            guard ledger.hasSeenRequest(id) else { return channel.close(promise: nil) }
            // A connection nobody authenticates on is closed once a first request could have
            // arrived whole: answers to unauthenticated requests (401, /healthz) keep none open.
            self.deadline = loop.assumeIsolated().scheduleTask(in: TimeAmount(limits.bodyTimeout)) {
                if !ledger.isAttributed(id) { channel.close(promise: nil) }
            }
        }
    }

    private func leave(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        guard phase == .entered else { return }
        phase = .left
        ledger.close(ObjectIdentifier(context.channel))
    }
}

import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird child channel (HTTP/1.1, or TLS with HTTP/2 by ALPN) with a
/// ``ConnectionGuard`` in front of everything it sets up.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let ledger: ConnectionLedger
    let onRefused: @Sendable (ConnectionLedger.Refusal) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionGuard(ledger: ledger, onRefused: onRefused),
                position: .first
            )
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

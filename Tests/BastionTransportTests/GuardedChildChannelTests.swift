import HummingbirdCore
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import BastionTransport

/// The guard put in front of whatever a child channel sets up (GuardedChildChannel.swift).
struct GuardedChildChannelTests {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
    }

    /// An inner child channel that adds one handler of its own and records what it handles.
    final class Inner: ServerChildChannel {
        final class Marker: ChannelInboundHandler, Sendable {
            typealias InboundIn = NIOAny
        }

        let handled = Mutex(0)

        func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
            do {
                try channel.pipeline.syncOperations.addHandler(Marker())
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
            return channel.eventLoop.makeSucceededFuture(Value(channel: channel))
        }

        func handle(value: Value, logger: Logger) async { handled.withLock { $0 += 1 } }
    }

    @Test func theGuardComesFirstAndTheInnerSetupAfterIt() throws {
        let inner = Inner()
        let ledger = ConnectionLedger(limits: HTTPLimits())
        let guarded = GuardedChildChannel(inner: inner, ledger: ledger) { _ in }
        let channel = EmbeddedChannel()
        _ = try guarded.setup(channel: channel, logger: TestSession.logger).wait()
        let description = channel.pipeline.debugDescription
        let guardAt = try #require(description.firstRange(of: "ConnectionGuard"))
        let markerAt = try #require(description.firstRange(of: "Marker"))
        #expect(guardAt.lowerBound < markerAt.lowerBound)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        #expect(ledger.count == 1)  // the guard counts the connection
        _ = try channel.finish()
        #expect(ledger.count == 0)
    }

    @Test func handlingIsTheInners() async throws {
        let inner = Inner()
        let guarded = GuardedChildChannel(inner: inner, ledger: ConnectionLedger(limits: HTTPLimits())) { _ in }
        await guarded.handle(value: Value(channel: EmbeddedChannel()), logger: TestSession.logger)
        #expect(inner.handled.withLock { $0 } == 1)
    }
}

import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import BastionTransport

/// The first handler of every connection (ConnectionGuard.swift).
struct ConnectionGuardTests {
    final class Refusals: Sendable {
        let seen = Mutex<[ConnectionLedger.Refusal]>([])
    }

    static func connected(_ ledger: ConnectionLedger, refusals: Refusals = Refusals()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ConnectionGuard(ledger: ledger) { refusal in refusals.seen.withLock { $0.append(refusal) } }
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    @Test func aConnectionIsCountedUntilItCloses() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits())
        let channel = try Self.connected(ledger)
        #expect(ledger.count == 1)
        _ = try channel.finish()
        #expect(ledger.count == 0)
    }

    @Test func aConnectionWithoutARequestHeadIsClosedAtTheHeaderTimeout() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits(headerTimeout: .seconds(10)))
        let channel = try Self.connected(ledger)
        channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(1))
        #expect(!channel.isActive)
        #expect(ledger.count == 0)
    }

    @Test func aConnectionAClientAuthenticatedOnStaysOpen() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits(headerTimeout: .seconds(10), bodyTimeout: .seconds(5)))
        let channel = try Self.connected(ledger)
        ledger.sawRequest(ObjectIdentifier(channel))
        try ledger.admit(ObjectIdentifier(channel), client: "claude")
        channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    /// Review 14, finding 1: requests answered 401 (or health checks) held a slot for ever.
    @Test func aConnectionWithRequestsButNoClientIsClosedAfterTheBodyTimeout() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits(headerTimeout: .seconds(10), bodyTimeout: .seconds(5)))
        let channel = try Self.connected(ledger)
        ledger.sawRequest(ObjectIdentifier(channel))
        channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(14))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(1))
        #expect(!channel.isActive)
        #expect(ledger.count == 0)
    }

    @Test func aRefusedConnectionIsClosedReportedAndTakesNoSlot() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits(maxConnections: 1))
        let refusals = Refusals()
        let first = try Self.connected(ledger, refusals: refusals)
        let second = try Self.connected(ledger, refusals: refusals)
        #expect(!second.isActive)
        #expect(refusals.seen.withLock { $0 } == [.full])
        // Closing the refused one did not release the first one's slot.
        #expect(ledger.count == 1)
        #expect(first.isActive)
        _ = try first.finish()
    }
}

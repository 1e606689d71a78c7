import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Synchronization
import Testing

@testable import BastionTransport

/// Request heads noted and slow bodies cut (RequestDeadlines.swift).
struct RequestDeadlinesTests {
    static func channel(_ ledger: ConnectionLedger) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RequestDeadlines(ledger: ledger))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        try ledger.open(ObjectIdentifier(channel), address: "127.0.0.1")
        return channel
    }

    static let head = HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/mcp"))

    @Test func aHeadIsNotedOnTheLedger() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits())
        let channel = try Self.channel(ledger)
        #expect(!ledger.hasSeenRequest(ObjectIdentifier(channel)))
        try channel.writeInbound(Self.head)
        #expect(ledger.hasSeenRequest(ObjectIdentifier(channel)))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.head)
    }

    @Test func aBodyTrickledPastTheBodyTimeoutClosesTheConnection() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits(bodyTimeout: .seconds(5)))
        let channel = try Self.channel(ledger)
        try channel.writeInbound(Self.head)
        for _ in 0..<4 {
            channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(1))
            try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "x")))
        }
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(1))
        #expect(!channel.isActive)
    }

    /// (The codec's own parse errors are reported: test_http_limits.py sends one.)
    @Test func anErrorThatIsNotTheCodecsIsNotReportedAsMalformed() throws {
        let reports = ConnectionGuardTests.Refusals()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestDeadlines(ledger: ConnectionLedger(limits: HTTPLimits())) {
                reports.seen.withLock { $0.append(.malformed) }
            }
        )
        channel.pipeline.fireErrorCaught(ChannelError.ioOnClosedChannel)
        #expect(throws: ChannelError.self) { try channel.throwIfErrorCaught() }
        #expect(reports.seen.withLock { $0 }.isEmpty)
    }

    @Test func aBodyThatEndsInTimeKeepsTheConnection() throws {
        let ledger = ConnectionLedger(limits: HTTPLimits(bodyTimeout: .seconds(5)))
        let channel = try Self.channel(ledger)
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: TimeAmount.seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}

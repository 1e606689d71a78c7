import Testing

@testable import BastionTransport

/// The listener's limits and their defaults (HTTPLimits.swift).
struct HTTPLimitsTests {
    @Test func theDefaultsBoundEveryPeerAndLeaveTheRateOpen() {
        let limits = HTTPLimits()
        #expect(limits.maxConnections == 1024)
        #expect(limits.maxConnectionsPerClient == 128)
        #expect(limits.maxPendingConnectionsPerAddress == 256)
        #expect(limits.headerTimeout == .seconds(10))
        #expect(limits.bodyTimeout == .seconds(60))
        #expect(limits.requestsPerSecond == nil)
        #expect(limits.maxHeaderBytes == 32 << 10)
    }
}

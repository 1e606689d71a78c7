import BastionProtocol
import Hummingbird
import NIOCore
import NIOEmbedded
import Testing

@testable import BastionTransport

/// Connections and rate after authentication (HTTPAdmission.swift).
struct HTTPAdmissionTests {
    static func context(_ channel: EmbeddedChannel) -> HTTPPeerContext {
        HTTPPeerContext(source: ApplicationRequestContextSource(channel: channel, logger: TestSession.logger))
    }

    @Test func overTheRateIs429WithRetryAfter() throws {
        let admission = HTTPAdmission(limits: HTTPLimits(requestsPerSecond: 2))
        let context = Self.context(EmbeddedChannel())
        try admission.admit("claude", on: context.channel)
        try admission.admit("claude", on: context.channel)
        let refusal = #expect(throws: HTTPRefusal.self) { try admission.admit("claude", on: context.channel) }
        #expect(refusal?.status == 429)
        #expect(refusal?.headers.contains { $0.name == "Retry-After" && $0.value == "1" } == true)
        #expect(refusal?.error?.message.contains("requests_per_second") == true)
    }

    @Test func aConnectionBeyondTheClientsShareIs429() throws {
        let admission = HTTPAdmission(limits: HTTPLimits(maxConnectionsPerClient: 1))
        let (first, second) = (EmbeddedChannel(), EmbeddedChannel())
        try admission.ledger.open(ObjectIdentifier(first), address: "10.0.0.1")
        try admission.ledger.open(ObjectIdentifier(second), address: "10.0.0.1")
        try admission.admit("claude", on: first)
        let refusal = #expect(throws: HTTPRefusal.self) { try admission.admit("claude", on: second) }
        #expect(refusal?.status == 429)
        // No Connection field: HTTP/2 forbids it (the connection, never attributed, is closed by
        // ConnectionGuard instead).
        #expect(refusal?.headers.contains { $0.name == "Connection" } == false)
        // Without a rate limit, the first connection's requests keep going.
        for _ in 0..<100 { try admission.admit("claude", on: first) }
    }
}

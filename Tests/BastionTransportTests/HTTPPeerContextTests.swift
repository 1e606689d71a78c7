import Hummingbird
import NIOEmbedded
import Testing

@testable import BastionTransport

/// The per-request context (HTTPPeerContext.swift).
struct HTTPPeerContextTests {
    @Test func theContextKeepsTheConnectionsChannel() {
        let channel = EmbeddedChannel()
        let context = HTTPPeerContext(
            source: ApplicationRequestContextSource(channel: channel, logger: TestSession.logger)
        )
        #expect(context.channel === channel)
    }
}

import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// TLS, then HTTP/2 or HTTP/1.1 (with its WebSocket upgrade) as ALPN chose: Hummingbird's
/// HTTP/2 channel and ``HTTP1UpgradableChannel`` behind one TLS 1.3 handshake.
struct SecureHTTPChannel: ServerChildChannel {
    enum Negotiated: Sendable {
        case http1(HTTP1UpgradableChannel.Value)
        case http2(HTTP2Channel.Value)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    private struct UnexpectedProtocol: Error {}

    let context: NIOSSLContext
    let http1: HTTP1UpgradableChannel
    let http2: HTTP2Channel

    /// - Parameters:
    ///   - tls: The TLS configuration (its ALPN protocols are set here: `h2`, `http/1.1`).
    init(tls: TLSConfiguration, http1: HTTP1UpgradableChannel, http2: HTTP2Channel) throws {
        var tls = tls
        tls.applicationProtocols = ["h2", "http/1.1"]
        self.context = try NIOSSLContext(configuration: tls)
        self.http1 = http1
        self.http2 = http2
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<Negotiated> { [http1, http2] result in
                switch result {
                case .negotiated("h2"):
                    return http2.setup(channel: channel, logger: logger).map { .http2($0) }
                case .negotiated("http/1.1"), .fallback:
                    return http1.setup(channel: channel, logger: logger).map { .http1($0) }
                case .negotiated:
                    return channel.close().flatMapThrowing { throw UnexpectedProtocol() }
                }
            }
            try channel.pipeline.syncOperations.addHandler(negotiation)
            return Value(negotiated: negotiation.protocolNegotiationResult, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http1(let http): await http1.handle(value: http, logger: logger)
            case .http2(let http): await http2.handle(value: http, logger: logger)
            }
        } catch {
            logger.debug("TLS connection ended before a protocol: \(error)")
        }
    }
}

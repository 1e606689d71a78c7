import BastionProtocol
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
public import Logging
import NIOCore
public import ServiceLifecycle

/// The HTTP transport as a service: one listener (Hummingbird 2 on SwiftNIO, HTTP/1.1) serving
/// ``MCPHTTPResponder``'s endpoints until the service group shuts down.
///
/// Once bound it calls `onListening` with the URL of `/mcp` (the bound port, when port 0 asked
/// for a free one), which `bastion serve --http` prints.
public struct HTTPTransport<Server: HTTPServing>: Service {
    let responder: MCPHTTPResponder<Server>
    let settings: HTTPTransportSettings
    let logger: Logger
    let onListening: @Sendable (String) -> Void

    /// Creates the transport.
    /// - Parameters:
    ///   - server: What serves the requests.
    ///   - settings: The address and the limits.
    ///   - logger: The server's logger.
    ///   - onListening: Called once bound, with the URL of `/mcp`.
    public init(
        server: Server,
        settings: HTTPTransportSettings,
        logger: Logger,
        onListening: @escaping @Sendable (String) -> Void
    ) {
        self.responder = MCPHTTPResponder(server: server, settings: settings)
        self.settings = settings
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let seconds = settings.idleTimeout.components.seconds
        // Hummingbird's own lines (its "listening" among them) only when something is wrong:
        // the `listening on` line is ours, and requests are in the audit log.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let idle = TimeAmount.seconds(max(1, seconds))
        let ledger = responder.admission.ledger
        let limits = settings.limits
        let record: @Sendable (ConnectionLedger.Refusal, Int) -> Void = { [responder] refusal, count in
            responder.server.refused(
                HTTPRefusal(
                    status: refusal.status,
                    code: JSONRPCError.internalErrorCode,
                    message: refusal.reason(count: count)
                ),
                method: "",
                path: "",
                clientID: nil,
                peer: nil
            )
        }
        // Each kind is tallied apart, so that a record's count is of one kind.
        let refusals = ConnectionRefusals(record: record)
        let stream = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlines(ledger: ledger) { refusals.note(.malformed) }],
            idleTimeout: idle,
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maxHeaderBytes,
                maxHeaderListSize: limits.maxHeaderBytes
            )
        )
        let tlsConfiguration = try settings.tls?.makeConfiguration()
        let mcp = self.responder
        let server = HTTPServerBuilder { responder in
            let onRefused: @Sendable (ConnectionLedger.Refusal) -> Void = { refusals.note($0) }
            let http1 = HTTP1UpgradableChannel(
                responder: responder,
                configuration: stream,
                secure: tlsConfiguration != nil,
                maxFrameSize: settings.maxBodyBytes,
                onMalformed: { refusals.note(.malformed) }
            ) { request, channel in
                await mcp.webSocketDecision(request, on: channel)
            }
            if let tlsConfiguration {
                // HTTP/2 or HTTP/1.1 (and its WebSocket upgrade), chosen by ALPN; TLS 1.3 only.
                let inner = try SecureHTTPChannel(
                    tls: tlsConfiguration,
                    http1: http1,
                    http2: HTTP2Channel(
                        responder: responder,
                        configuration: .init(idleTimeout: settings.idleTimeout, streamConfiguration: stream)
                    )
                )
                return GuardedChildChannel(inner: inner, ledger: ledger, onRefused: onRefused)
            }
            return GuardedChildChannel(inner: http1, ledger: ledger, onRefused: onRefused)
        }
        let application = Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port)),
            onServerRunning: { [settings, onListening] channel in
                let port = channel.localAddress?.port ?? settings.port
                onListening(Self.url(host: settings.host, port: port, tls: settings.tls != nil))
            },
            logger: quiet
        )
        let sessions = responder.legacySessions
        let reaper = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                sessions.reapIdle()
            }
        }
        defer {
            reaper.cancel()
            // Whatever the server has not stopped yet: their streams end with the listener.
            sessions.endAll()
            // The last second's refused connections are recorded, not lost (review 15).
            refusals.drain()
        }
        try await application.run()
    }

    /// The URL of `/mcp` on `host:port`.
    static func url(host: String, port: Int, tls: Bool) -> String {
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(tls ? "https" : "http")://\(shown):\(port)/mcp"
    }
}

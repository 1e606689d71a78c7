import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// HTTP/1.1 whose first request may upgrade the connection to a WebSocket (RFC 6455): Hummingbird's
/// HTTP/1.1 handling behind NIO's upgrader, which asks ``WebSocketDecision`` what to do.
///
/// Written here rather than taken from hummingbird-websocket because a refused upgrade must get
/// its real answer — 401 with the authentication challenge, 403, 421, 429 — where that package
/// answers every refusal with a bare 400.
struct HTTP1UpgradableChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Serve = @Sendable (NIOAsyncChannel<WebSocketFrame, WebSocketFrame>) async -> Void

    enum Outcome: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, HTTPRefusal)
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Serve)
    }

    struct Value: ServerChildChannelValue {
        let outcome: EventLoopFuture<Outcome>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    /// Whether the connection is TLS (the requests' scheme).
    let secure: Bool
    /// The largest WebSocket frame taken.
    let maxFrameSize: Int
    /// Told of a first request HTTP could not parse (the connection is then closed).
    let onMalformed: @Sendable () -> Void
    /// Decides on an upgrade request, given its head and its connection.
    let decide: @Sendable (HTTPRequest, any Channel) async -> WebSocketDecision

    private struct NoHandler: Error {}

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture { () throws -> Value in
            let refusal = NIOLoopBoundBox<HTTPRefusal?>(nil, eventLoop: channel.eventLoop)
            let decided = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let serve = NIOLoopBoundBox<Serve?>(nil, eventLoop: channel.eventLoop)
            let upgrader = NIOTypedWebSocketServerUpgrader<Outcome>(
                maxFrameSize: maxFrameSize,
                shouldUpgrade: { [decide, secure] channel, head in
                    let decided = channel.eventLoop.makePromise(of: WebSocketDecision.self)
                    decided.completeWithTask {
                        guard let request = try? HTTPRequest(head, secure: secure, splitCookie: false) else {
                            return .refuse(
                                HTTPRefusal(status: 400, code: -32600, message: "the upgrade request is malformed")
                            )
                        }
                        return await decide(request, channel)
                    }
                    return decided.futureResult.map { decision -> HTTPHeaders? in
                        switch decision {
                        case .upgrade(let headers, let handler):
                            serve.value = handler
                            return headers
                        case .refuse(let refused):
                            refusal.value = refused
                            return nil
                        }
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        decided.value = true
                        guard let handler = serve.value else { throw NoHandler() }
                        let socket = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        return Outcome.webSocket(socket, handler)
                    }
                }
            )
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration<Outcome>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { [configuration, secure] channel in
                    channel.eventLoop.makeCompletedFuture {
                        decided.value = true
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: secure))
                        try pipeline.addHandlers(configuration.additionalChannelHandlers())
                        try pipeline.addHandler(
                            HTTPConnectionStateHandler(
                                idleTimeout: configuration.idleTimeout.map { .init($0) },
                                logger: logger
                            )
                        )
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        if let refused = refusal.value { return Outcome.refused(http, refused) }
                        return Outcome.http(http)
                    }
                }
            )
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<Outcome>(upgradeConfiguration: upgrade)
            pipeline.enablePipelining = false  // NIOAsyncChannel serializes the requests
            pipeline.enableErrorHandling = false  // HTTPChannelHandler answers parse errors
            pipeline.enableResponseHeaderValidation = false  // HTTPTypes validated them
            pipeline.decoderConfiguration.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            pipeline.decoderConfiguration.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            pipeline.decoderConfiguration.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            let outcome = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: pipeline
            )
            // Before the first request is decided, a parse error has no HTTP handler to answer it.
            try channel.pipeline.syncOperations.addHandler(
                FirstRequestParseErrors(onMalformed: onMalformed) { decided.value }
            )
            return Value(outcome: outcome, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.outcome.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let refusal):
                try await http.executeThenClose { _, outbound in
                    var head = HTTPResponse(status: HTTPResponse.Status(code: refusal.status))
                    let body = refusal.jsonBody
                    head.headerFields[.connection] = "close"
                    head.headerFields[.contentLength] = String(body.count)
                    if !body.isEmpty { head.headerFields[.contentType] = "application/json" }
                    for (name, value) in refusal.headers {
                        if let field = HTTPField.Name(name) { head.headerFields[field] = value }
                    }
                    try await outbound.write(.head(head))
                    if !body.isEmpty { try await outbound.write(.body(ByteBuffer(bytes: body))) }
                    try await outbound.write(.end(nil))
                }
            case .webSocket(let socket, let serve):
                await serve(socket)
            }
        } catch {
            logger.debug("HTTP/1.1 connection ended: \(error)")
        }
    }
}

/// At the end of the pipeline until the first request is decided: reports a request head the
/// decoder refused (too large, garbage) and closes the connection, which has no HTTP handler yet
/// to answer it. Later parse errors are ``RequestDeadlines``'.
private final class FirstRequestParseErrors: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let onMalformed: @Sendable () -> Void
    let isDecided: () -> Bool

    init(onMalformed: @escaping @Sendable () -> Void, isDecided: @escaping () -> Bool) {
        self.onMalformed = onMalformed
        self.isDecided = isDecided
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !isDecided(), error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        onMalformed()
        context.close(promise: nil)
    }
}

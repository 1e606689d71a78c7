public import Hummingbird
public import NIOCore

/// Hummingbird's per-request context, with the connection's channel: where the transport finds
/// what the peer proved below HTTP (its TLS client certificate) and its address.
public struct HTTPPeerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection (for HTTP/2, the stream; its parent is the connection).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.channel = source.channel
    }
}

/// One peer, as a transport hands it to the service: what the transport observed about who it is,
/// the frames it sends, and where the answers go.
///
/// A connection is a value, not a server per client: the service authenticates it, gives it its own
/// ``MCPSession``, and serves it until its frames end or the service shuts down. A stdio process is
/// one connection for its lifetime; a 2026-07-28 HTTP request is a connection of one request.
public struct Connection: Sendable {
    /// What the transport can show about the peer (step 1 of the security chain decides on it).
    public var credentials: TransportCredentials
    /// The transport's name, for the audit records (`stdio`, `http`, `websocket`, `dbus`).
    public var transport: String
    /// How the inbound frames arrive, in order; they end when the peer closes its side.
    public var inbound: Inbound
    /// Where the session writes answers and notifications.
    public var sink: any MessageSink

    /// How a transport delivers inbound frames.
    public enum Inbound: Sendable {
        /// An async sequence the service iterates (event-loop transports, in-memory peers).
        case sequence(any AsyncSequence<Frame, Never> & Sendable)
        /// A transport with a thread of its own that pushes frames straight into the session.
        case source(any FrameSource)
    }

    /// Creates a connection whose frames the service iterates.
    /// - Parameters:
    ///   - credentials: What the transport observed about the peer.
    ///   - transport: The transport's name.
    ///   - frames: The inbound frames.
    ///   - sink: Where answers go.
    public init(
        credentials: TransportCredentials,
        transport: String,
        frames: any AsyncSequence<Frame, Never> & Sendable,
        sink: any MessageSink
    ) {
        self.credentials = credentials
        self.transport = transport
        self.inbound = .sequence(frames)
        self.sink = sink
    }

    /// Creates a connection whose transport pushes its frames into the session.
    /// - Parameters:
    ///   - credentials: What the transport observed about the peer.
    ///   - transport: The transport's name.
    ///   - source: The transport's frame pump.
    ///   - sink: Where answers go.
    public init(credentials: TransportCredentials, transport: String, source: any FrameSource, sink: any MessageSink) {
        self.credentials = credentials
        self.transport = transport
        self.inbound = .source(source)
        self.sink = sink
    }
}

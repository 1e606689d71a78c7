/// Receives the life of a session: the security layer audits through it.
///
/// Calls are synchronous and happen before the corresponding answer is written, so an audit record
/// always precedes the response it describes.
public protocol SessionObserver: Sendable {
    /// The client completed `initialize`.
    func sessionInitialized(_ session: MCPSession, version: ProtocolVersion, client: ClientInfo)
    /// A request or notification finished, or a message was rejected.
    func sessionRecorded(_ session: MCPSession, _ record: RequestRecord)
    /// The session ended (end of input or shutdown); in-flight work has stopped.
    func sessionClosed(_ session: MCPSession)
}

extension SessionObserver {
    public func sessionInitialized(_ session: MCPSession, version: ProtocolVersion, client: ClientInfo) {}
    public func sessionClosed(_ session: MCPSession) {}
}

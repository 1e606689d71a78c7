/// Receives the life of a session: the security layer audits through it.
///
/// Calls are synchronous and happen before the corresponding answer is written, so an audit record
/// always precedes the response it describes.
public protocol SessionObserver: Sendable {
    /// The client completed `initialize`.
    func sessionInitialized(_ session: MCPSession, version: ProtocolVersion, client: ClientInfo)
    /// A request or notification finished, or a message was rejected.
    ///
    /// - Returns: `nil` once the record is kept; otherwise the error the request is answered with
    ///   instead of its result (the audit layer: -32603 "audit log unavailable" when the record could
    ///   not be written, so no answer leaves without its record).
    @discardableResult
    func sessionRecorded(_ session: MCPSession, _ record: RequestRecord) -> JSONRPCError?
    /// The session ended (end of input or shutdown); in-flight work has stopped.
    func sessionClosed(_ session: MCPSession)
    /// Asked before a request is dispatched (or answered inline): an error refuses it unexecuted,
    /// and it is then answered with that error and recorded as rejected. The audit layer refuses
    /// requests while the audit log cannot be written.
    ///
    /// - Parameters:
    ///   - session: The session.
    ///   - method: The request's method.
    /// - Returns: `nil` to go ahead (the default), or the error to answer with.
    func sessionShouldAccept(_ session: MCPSession, method: String) -> JSONRPCError?
}

extension SessionObserver {
    public func sessionInitialized(_ session: MCPSession, version: ProtocolVersion, client: ClientInfo) {}
    public func sessionClosed(_ session: MCPSession) {}
    public func sessionShouldAccept(_ session: MCPSession, method: String) -> JSONRPCError? { nil }
}

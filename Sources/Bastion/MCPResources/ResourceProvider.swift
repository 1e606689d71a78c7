public import BastionProtocol
public import BastionSecurity

/// Resources that are not a fixed list: they depend on the client and on the disk (files), so they
/// are listed page by page, read by URI and can be subscribed to.
public protocol ResourceProvider: Sendable {
    /// Whether this provider answers for `uri` (typically by scheme).
    func owns(_ uri: String) -> Bool

    /// One page of the client's resources after `cursor` (`nil`: from the start).
    /// - Returns: The page (`resources/list` entries) and the cursor of the next page, if any.
    func list(
        client: ClientContext,
        after cursor: String?,
        limit: Int
    ) async throws(JSONRPCError) -> (resources: [JSONValue], next: String?)

    /// Reads one resource.
    /// - Throws: -32002 (resource not found) or another JSON-RPC error naming the problem.
    func read(client: ClientContext, uri: String) async throws(JSONRPCError) -> [ResourceContents]

    /// Reads one resource, first reserving in `memory` what its answer will hold (a large file).
    /// The default reads without reserving.
    /// - Throws: as ``read(client:uri:)``; a busy budget is -32603 with a "server busy, retry" message.
    func read(client: ClientContext, uri: String, memory: AnswerMemory) async throws(JSONRPCError) -> [ResourceContents]

    /// Starts sending `notifications/resources/updated` for `uri` to the session of `context`; a
    /// permission refusal is noted on `context` for the audit record.
    func subscribe(client: ClientContext, uri: String, context: RequestContext) async throws(JSONRPCError)

    /// Stops the notifications for `uri` to `session`.
    func unsubscribe(uri: String, session: MCPSession)

    /// Forgets everything about a session that ended.
    func sessionEnded(_ session: MCPSession)
}

extension ResourceProvider {
    public func read(
        client: ClientContext,
        uri: String,
        memory: AnswerMemory
    ) async throws(JSONRPCError) -> [ResourceContents] {
        try await read(client: client, uri: uri)
    }
}

import Logging
import Synchronization

extension MCPSession {
    /// Sends a notification to the client. Dropped once the session is closed.
    ///
    /// On a 2026-07-28 connection a change notification (list changed, resource updated) goes only
    /// to the `subscriptions/listen` requests that asked for it (``deliverToListens(method:params:)``).
    public func notify(method: String, params: JSONValue? = nil) {
        guard !isClosed else { return }
        if isModern, ListenFilter.changeNotifications.contains(method) {
            deliverToListens(method: method, params: params)
            return
        }
        write(.notification(method: method, params: params))
    }

    /// Sends `notifications/message` when `level` is at or above the level the client set.
    /// - Parameter meta: The notification's `_meta` (what the request it is about asked to tag it with).
    public func log(_ level: LogLevel, logger name: String? = nil, data: JSONValue, meta: JSONValue? = nil) {
        guard configuration.capabilities.logging else { return }
        let allowed = state.withLock { state -> Bool in
            guard case .initialized = state.phase else { return false }
            return level >= state.logLevel
        }
        guard allowed else { return }
        send(level, logger: name, data: data, meta: meta)
    }

    /// Writes one `notifications/message`, whoever decided it may go.
    func send(_ level: LogLevel, logger name: String?, data: JSONValue, meta: JSONValue? = nil) {
        guard configuration.capabilities.logging, !isClosed else { return }
        var params: [String: JSONValue] = ["level": .string(level.rawValue), "data": data]
        if let name { params["logger"] = .string(name) }
        if let meta { params["_meta"] = meta }
        write(.notification(method: "notifications/message", params: .object(params)))
    }

    /// Sends a request to the client (`roots/list`, `elicitation/create`, …) and waits for its answer.
    ///
    /// On timeout or cancellation the client is told with `notifications/cancelled` (cancellation.mdx)
    /// and the call fails.
    /// - Parameters:
    ///   - method: The client method.
    ///   - params: Its params.
    ///   - timeout: Longest wait; defaults to the session's configured request timeout.
    /// - Returns: The client's `result`.
    /// - Throws: The client's error, or -32603 on timeout, cancellation or closed session.
    public func sendRequest(
        method: String,
        params: JSONValue? = nil,
        timeout: Duration? = nil
    ) async throws(JSONRPCError) -> JSONValue {
        // 2026-07-28 removed server-to-client requests (an answer asks through `input_required`).
        guard !isModern else { throw .internalError("the 2026-07-28 revision has no server-to-client \(method)") }
        let id = state.withLock { state -> RequestID? in
            if case .closed = state.phase { return nil }
            defer { state.nextOutgoingID += 1 }
            return .int(state.nextOutgoingID)
        }
        guard let id else { throw .internalError("session closed") }
        let limit = timeout ?? configuration.requestTimeout
        let timer = Task { [self] in
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            abandonReply(id: id, reason: "timed out after \(limit)")
        }
        defer { timer.cancel() }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: ReplyContinuation) in
                let registered = state.withLock { state -> Bool in
                    if case .closed = state.phase { return false }
                    state.pendingReplies[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume(returning: .failure(.internalError("session closed")))
                    return
                }
                if Task.isCancelled {
                    // Cancelled before the continuation was registered: onCancel found nothing to abandon.
                    abandonReply(id: id, reason: "cancelled")
                } else if !write(.request(id: id, method: method, params: params)) {
                    resolveReply(id: id, with: .failure(.internalError("the client is gone")))
                }
            }
        } onCancel: {
            abandonReply(id: id, reason: "cancelled")
        }
        return try result.get()
    }

    /// Delivers the client's answer to a pending server request; unknown ids are ignored.
    func resolveReply(id: RequestID, with result: Result<JSONValue, JSONRPCError>) {
        let continuation = state.withLock { $0.pendingReplies.removeValue(forKey: id) }
        guard let continuation else {
            logger.debug("Ignored a response to an unknown request", metadata: ["rpc.id": "\(id)"])
            return
        }
        continuation.resume(returning: result)
    }

    private func abandonReply(id: RequestID, reason: String) {
        let continuation = state.withLock { $0.pendingReplies.removeValue(forKey: id) }
        guard let continuation else { return }
        notify(method: "notifications/cancelled", params: ["requestId": id.json, "reason": .string(reason)])
        continuation.resume(returning: .failure(.internalError("request \(id) to the client \(reason)")))
    }
}

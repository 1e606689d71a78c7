import Logging
import Synchronization

extension MCPSession {
    /// Handles one complete inbound frame (one line on stdio, one body over HTTP).
    ///
    /// Called from the transport's reader; never waits: a request beyond the session's credits is
    /// queued, or refused as busy when the queue is full (see `MCPSession+Admission.swift`).
    public func receive(_ frame: UnsafeRawBufferPointer) {
        let receivedAt = ContinuousClock.now
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(frame, limits: configuration.limits)
        } catch {
            let rpcError: JSONRPCError =
                error.code == .tooLarge
                ? .invalidRequest("message exceeds \(configuration.limits.maxBytes) bytes")
                : .parseError(error.description)
            reject(id: nil, method: nil, error: rpcError, byteCount: frame.count, since: receivedAt)
            return
        }
        if case .array(let elements) = parsed {
            if let refusal = batchRefusal(elements) {
                reject(id: nil, method: nil, error: refusal, byteCount: frame.count, since: receivedAt)
                return
            }
            receiveBatch(elements, byteCount: frame.count, receivedAt: receivedAt)
            return
        }
        switch JSONRPCMessage.decode(parsed) {
        case .success(let message):
            receive(message, byteCount: frame.count, receivedAt: receivedAt)
        case .failure(let failure):
            reject(
                id: failure.id,
                method: parsed["method"]?.stringValue,
                error: failure.error,
                byteCount: frame.count,
                since: receivedAt,
                answer: !Self.isNotificationShaped(parsed)
            )
        }
    }

    /// Answers a frame the transport had to drop because it exceeded the size limit.
    public func receiveOversizedFrame(byteCount: Int) {
        let error = JSONRPCError.invalidRequest("message exceeds \(configuration.limits.maxBytes) bytes")
        reject(id: nil, method: nil, error: error, byteCount: byteCount, since: .now)
    }

    func receive(_ message: JSONRPCMessage, byteCount: Int, receivedAt: ContinuousClock.Instant) {
        switch message {
        case .request(let id, let method, let params):
            receiveRequest(id: id, method: method, params: params, byteCount: byteCount, receivedAt: receivedAt)
        case .notification(let method, let params):
            receiveNotification(method: method, params: params)
        case .response where exchange != nil, .errorResponse where exchange != nil:
            // 2026-07-28 has no server-to-client requests: over HTTP a posted response is refused
            // (recorded; the transport answers it with an HTTP error).
            reject(
                id: nil,
                method: nil,
                error: .invalidRequest("a 2026-07-28 client sends requests and notifications, never responses"),
                byteCount: byteCount,
                since: receivedAt,
                answer: false
            )
        case .response(let id, let result):
            resolveReply(id: id, with: .success(result))
        case .errorResponse(let id?, let error):
            resolveReply(id: id, with: .failure(error))
        case .errorResponse(nil, let error):
            logger.notice("Client reported an error without id", metadata: ["rpc.code": "\(error.code)"])
        }
    }

    private func receiveRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        byteCount: Int,
        receivedAt: ContinuousClock.Instant
    ) {
        if let refusal = observer.sessionShouldAccept(self, method: method) {
            reject(id: id, method: method, error: refusal, byteCount: byteCount, since: receivedAt)
            return
        }
        // An id still in flight is refused before anything answers it, inline answers included:
        // otherwise a `ping` reusing a running call's id gets a second response with that id.
        if state.withLock({ $0.inFlight[id] != nil }) {
            reject(
                id: id,
                method: method,
                error: .invalidRequest("request id \(id) is already in use"),
                byteCount: byteCount,
                since: receivedAt
            )
            return
        }
        let envelope: ModernEnvelope?
        switch decideEra(id: id, method: method, params: params, byteCount: byteCount, receivedAt: receivedAt) {
        case .handled: return
        case .handshake: envelope = nil
        case .modern(let modern): envelope = modern
        }
        if envelope == nil, let inline = inlineAnswer(id: id, method: method, params: params) {
            let outcome: RequestRecord.Outcome
            let message: JSONRPCMessage
            switch inline {
            case .success(let result):
                outcome = .ok
                message = .response(id: id, result: result)
            case .failure(let error):
                outcome = .rejected(code: error.code, message: error.message)
                message = .errorResponse(id: id, error: error)
            }
            let unrecorded = observer.sessionRecorded(
                self,
                RequestRecord(
                    id: id,
                    method: method,
                    outcome: outcome,
                    duration: .now - receivedAt,
                    byteCount: byteCount
                )
            )
            write(unrecorded.map { .errorResponse(id: id, error: $0) } ?? message)
            return
        }
        // A modern request's context starts with its envelope's audit annotations.
        let context = RequestContext(id: id, method: method, params: params, session: self, envelope: envelope)
        let request = AdmittedRequest(
            context: context,
            params: params,
            byteCount: byteCount,
            queuedBytes: byteCount,
            reply: .single
        )
        switch admit(request) {
        case .start:
            // Handlers that never block start right here on the reader thread (no wake-up of a pool
            // thread); the others hop to the pool so a slow call never holds up the connection.
            start(request, inline: router.startsInline(method, params: params))
        case .queued:
            break
        case let refusal:
            reject(id: id, method: method, error: error(for: refusal, id: id), byteCount: byteCount, since: receivedAt)
        }
    }

    /// The answer to a request admission refused.
    func error(for refusal: Admission, id: RequestID) -> JSONRPCError {
        switch refusal {
        case .duplicate: return .invalidRequest("request id \(id) is already in use")
        case .busy:
            return .serverBusy(running: configuration.maxConcurrentRequests, queued: configuration.maxQueuedRequests)
        case .clientBusy:
            return .clientBusy(running: exchange?.quota?.maximumRunning ?? configuration.maxConcurrentRequests)
        case .closed, .start, .queued: return .invalidRequest("the session is closing")
        }
    }

    /// The observer's refusal of any request in a batch: the batch is then refused whole, unexecuted
    /// (the audit gate refuses every request alike while the log cannot be written).
    private func batchRefusal(_ elements: [JSONValue]) -> JSONRPCError? {
        for element in elements where element["id"] != nil {
            guard let method = element["method"]?.stringValue else { continue }
            if let refusal = observer.sessionShouldAccept(self, method: method) { return refusal }
        }
        return nil
    }

    /// Runs a routed handler; unknown methods get -32601.
    func dispatch(method: String, params: JSONValue?, context: RequestContext) async -> Result<JSONValue, JSONRPCError>
    {
        guard let handler = router.requestHandler(for: method) else { return .failure(.methodNotFound(method)) }
        do {
            return .success(try await handler(params, context))
        } catch {
            return .failure(error)
        }
    }

    private func receiveNotification(method: String, params: JSONValue?) {
        // 2026-07-28 has one client notification (schema.ts); `initialized` and
        // `roots/list_changed` would set off server-to-client requests the revision removed.
        if isModern, method != "notifications/cancelled" { return }
        switch method {
        case "notifications/initialized":
            // The server may now send requests (roots/list, …): let the router know.
            guard isInitialized, let handler = router.notificationHandler(for: method) else { return }
            handler(params, self)
        case "notifications/cancelled":
            guard let rawID = params?["requestId"], let id = RequestID(json: rawID) else { return }
            cancelRequest(id)
        default:
            // Unknown notifications are ignored, as the spec requires; never answered.
            guard isInitialized, let handler = router.notificationHandler(for: method) else { return }
            handler(params, self)
        }
    }

    /// Cancels an in-flight request: its handler task is cancelled and its answer suppressed; a
    /// request still waiting for a credit leaves the queue and never runs.
    func cancelRequest(_ id: RequestID) {
        if dropQueued(id) { return }
        let task = state.withLock { state -> Task<Void, Never>? in
            guard let entry = state.inFlight[id], entry.context.markCancelled() else { return nil }
            return entry.task
        }
        task?.cancel()
    }

    /// Ends a request that ran past its deadline: its task is cancelled, but unlike a client
    /// cancellation the handler's answer (normally an error saying so) is still sent.
    public func expire(_ context: RequestContext) {
        guard context.markTimedOut() else { return }
        let task = state.withLock { state in
            state.inFlight[context.id]?.context === context ? state.inFlight[context.id]?.task : nil
        }
        task?.cancel()
    }

    var isInitialized: Bool { negotiatedVersion != nil }

    /// Whether a malformed message still has the shape of a notification: a string method and no
    /// `id` member at all. Those are never answered; anything else with a problem is, with id null
    /// when the id itself is unusable (JSON-RPC 2.0 §5).
    static func isNotificationShaped(_ message: JSONValue) -> Bool {
        guard case .object(let members) = message else { return false }
        return members["id"] == nil && members["method"]?.stringValue != nil
    }

    /// Records a message refused before dispatch and, unless told otherwise, answers it.
    func reject(
        id: RequestID?,
        method: String?,
        error: JSONRPCError,
        byteCount: Int,
        since receivedAt: ContinuousClock.Instant,
        answer: Bool = true,
        annotations: [String: JSONValue] = [:]
    ) {
        // The payload is never logged: only its size and what was wrong with it.
        logger.notice(
            "Rejected inbound message",
            metadata: ["rpc.code": "\(error.code)", "rpc.reason": "\(error.message)", "message.bytes": "\(byteCount)"]
        )
        observer.sessionRecorded(
            self,
            RequestRecord(
                id: id,
                method: method,
                outcome: .rejected(code: error.code, message: error.message),
                duration: .now - receivedAt,
                byteCount: byteCount,
                annotations: annotations
            )
        )
        if answer {
            write(.errorResponse(id: id, error: isModern ? Self.modernError(error) : error))
        } else {
            exchange?.refuse(error)
        }
    }
}

extension Result where Success == JSONValue, Failure == JSONRPCError {
    var outcome: RequestRecord.Outcome {
        switch self {
        case .success: return .ok
        case .failure(let error): return .error(code: error.code, message: error.message)
        }
    }
}

import Logging
import Synchronization

extension MCPSession {
    /// Handles a JSON array: a batch in 2025-03-26, an invalid request in every other version.
    ///
    /// Every member is recorded with the observer (so audited) and answered in one array, except
    /// notifications and responses, which never get an answer. Members are admitted one by one like
    /// single requests (a credit, a place in the queue, or busy), and the array is written once the
    /// last has answered, so a batch larger than the session's limit still completes.
    func receiveBatch(_ elements: [JSONValue], byteCount: Int, receivedAt: ContinuousClock.Instant) {
        guard let version = negotiatedVersion, version.allowsBatches else {
            let when = negotiatedVersion.map { "in protocol version \($0.rawValue)" } ?? "before initialization"
            reject(
                id: nil,
                method: nil,
                error: .invalidRequest("batches are not supported \(when)"),
                byteCount: byteCount,
                since: receivedAt
            )
            return
        }
        guard !elements.isEmpty else {
            reject(id: nil, method: nil, error: .invalidRequest("empty batch"), byteCount: byteCount, since: receivedAt)
            return
        }
        let reply = BatchReply()
        // The frame's cost, shared by the members that wait for a credit.
        let memberBytes = max(1, byteCount / elements.count)
        var immediate: [JSONValue] = []
        var memberIDs: Set<RequestID> = []
        for element in elements {
            switch JSONRPCMessage.decode(element) {
            case .failure(let failure):
                let answer = record(
                    failure.id,
                    element["method"]?.stringValue,
                    .failure(failure.error),
                    byteCount,
                    receivedAt
                )
                if !Self.isNotificationShaped(element) { immediate.append(answer) }
            case .success(.request(let id, let method, let params)):
                // Like a single request, an id in flight (or used earlier in this batch) is refused
                // before anything answers it, so no id is answered twice.
                guard memberIDs.insert(id).inserted, !state.withLock({ $0.inFlight[id] != nil }) else {
                    let refusal = JSONRPCError.invalidRequest("request id \(id) is already in use")
                    immediate.append(record(id, method, .failure(refusal), byteCount, receivedAt))
                    continue
                }
                // Batches exist on a 2025-03-26 connection only: a member with the modern envelope
                // is refused as it would be alone (review 13, finding 4).
                if ModernEnvelope.isPresent(method: method, params: params) {
                    let refusal = JSONRPCError.invalidRequest(
                        "a request with the 2026-07-28 \"_meta\" envelope does not belong in a batch"
                    )
                    immediate.append(record(id, method, .failure(refusal), byteCount, receivedAt))
                    continue
                }
                if let answer = batchedInlineAnswer(id: id, method: method, params: params) {
                    immediate.append(record(id, method, answer, byteCount, receivedAt))
                    continue
                }
                let context = RequestContext(id: id, method: method, params: params, session: self)
                let request = AdmittedRequest(
                    context: context,
                    params: params,
                    byteCount: byteCount,
                    queuedBytes: memberBytes,
                    reply: .batch(reply)
                )
                reply.expect(context)
                switch admit(request) {
                case .start:
                    start(request, inline: false)
                case .queued:
                    break
                case let refusal:
                    let answer = record(id, method, .failure(error(for: refusal, id: id)), byteCount, receivedAt)
                    if let completion = reply.settle(answer) { complete(completion) }
                }
            case .success(let other):
                receive(other, byteCount: 0, receivedAt: receivedAt)
            }
        }
        if let completion = reply.settleMembers(adding: immediate) { complete(completion) }
    }

    /// The answer to a batch member that is settled without running a handler, or `nil`.
    private func batchedInlineAnswer(id: RequestID, method: String, params: JSONValue?) -> InlineAnswer? {
        // initialize MUST NOT be part of a batch (2025-03-26 lifecycle).
        if method == "initialize" { return .failure(.invalidRequest("initialize cannot be batched")) }
        return inlineAnswer(id: id, method: method, params: params)
    }

    /// Records a batch member settled inline and returns its answer.
    private func record(
        _ id: RequestID?,
        _ method: String?,
        _ result: Result<JSONValue, JSONRPCError>,
        _ byteCount: Int,
        _ receivedAt: ContinuousClock.Instant
    ) -> JSONValue {
        let outcome: RequestRecord.Outcome
        switch result {
        case .success: outcome = .ok
        case .failure(let error): outcome = .rejected(code: error.code, message: error.message)
        }
        let unrecorded = observer.sessionRecorded(
            self,
            RequestRecord(id: id, method: method, outcome: outcome, duration: .now - receivedAt, byteCount: byteCount)
        )
        let answer = unrecorded.map(Result.failure) ?? result
        switch (id, answer) {
        case (let id?, _): return answer.responseJSON(id: id)
        case (nil, .failure(let error)): return JSONRPCMessage.errorResponse(id: nil, error: error).json
        case (nil, .success): return JSONRPCMessage.errorResponse(id: nil, error: .internalError("no request id")).json
        }
    }
}

/// What a message the session answers itself (without a handler) gets.
private typealias InlineAnswer = Result<JSONValue, JSONRPCError>

extension Result where Success == JSONValue, Failure == JSONRPCError {
    func responseJSON(id: RequestID) -> JSONValue {
        switch self {
        case .success(let value): return JSONRPCMessage.response(id: id, result: value).json
        case .failure(let error): return JSONRPCMessage.errorResponse(id: id, error: error).json
        }
    }
}

import Dispatch
import Logging
import Synchronization

extension MCPSession {
    /// Handles a JSON array: a batch in 2025-03-26, an invalid request in every other version.
    ///
    /// Every member is recorded with the observer (so audited) and answered in one array, except
    /// notifications and responses, which never get an answer.
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
        // Each member takes one of the session's in-flight slots, like a single request: a batch
        // larger than all of them could never start.
        guard elements.count <= configuration.maxConcurrentRequests else {
            let limit = configuration.maxConcurrentRequests
            reject(
                id: nil,
                method: nil,
                error: .invalidRequest("a batch holds at most \(limit) messages"),
                byteCount: byteCount,
                since: receivedAt
            )
            return
        }
        var requests: [(RequestContext, JSONValue?)] = []
        var immediate: [JSONValue] = []
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
                let context = RequestContext(id: id, method: method, params: params, session: self)
                if let answer = batchedInlineAnswer(context, params: params) {
                    immediate.append(record(id, method, answer, byteCount, receivedAt))
                } else {
                    requests.append((context, params))
                }
            case .success(let other):
                receive(other, byteCount: 0, receivedAt: receivedAt)
            }
        }
        runBatch(requests, immediate: immediate, byteCount: byteCount)
    }

    /// The answer to a batch member that is settled without running a handler, or `nil` after
    /// registering it as in flight.
    private func batchedInlineAnswer(_ context: RequestContext, params: JSONValue?) -> Result<JSONValue, JSONRPCError>?
    {
        if context.method == "initialize" {
            // initialize MUST NOT be part of a batch (2025-03-26 lifecycle).
            return .failure(.invalidRequest("initialize cannot be batched"))
        }
        if let answer = inlineAnswer(id: context.id, method: context.method, params: params) { return answer }
        let (registered, watchdog) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard state.inFlight[context.id] == nil else { return (false, nil) }
            state.inFlight[context.id] = InFlight(context: context, task: nil)
            return (true, armWatchdog(&state))
        }
        watchdog?.resume()
        return registered ? nil : .failure(.invalidRequest("request id \(context.id) is already in use"))
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

    private func runBatch(_ requests: [(RequestContext, JSONValue?)], immediate: [JSONValue], byteCount: Int) {
        guard !requests.isEmpty else {
            if !immediate.isEmpty { writeBatch(immediate) }
            return
        }
        // On the reader thread, as for single requests: when the session is full, reading waits.
        for _ in requests { concurrencySlots.wait() }
        state.withLock { state in
            let key = state.nextBatchKey
            state.nextBatchKey += 1
            state.batchTasks[key] = Task { [self] in
                var answers = immediate
                await withTaskGroup(of: JSONValue?.self) { group in
                    for (context, params) in requests {
                        group.addTask {
                            defer { self.concurrencySlots.signal() }
                            let result = await self.dispatch(method: context.method, params: params, context: context)
                            return self.recordBatched(context, result: result, byteCount: byteCount)
                        }
                    }
                    for await answer in group { if let answer { answers.append(answer) } }
                }
                if !answers.isEmpty { writeBatch(answers) }
                let waiters = self.state.withLock { state in
                    for (context, _) in requests where state.inFlight[context.id]?.context === context {
                        state.inFlight.removeValue(forKey: context.id)
                    }
                    state.batchTasks.removeValue(forKey: key)
                    return state.takeIdleWaitersIfIdle()
                }
                for waiter in waiters { waiter.resume() }
            }
        }
    }

    private func recordBatched(
        _ context: RequestContext,
        result: Result<JSONValue, JSONRPCError>,
        byteCount: Int
    )
        -> JSONValue?
    {
        let shouldAnswer = context.markFinished()
        let unrecorded = observer.sessionRecorded(
            self,
            RequestRecord(
                id: context.id,
                method: context.method,
                outcome: shouldAnswer ? result.outcome : .cancelled,
                duration: .now - context.receivedAt,
                byteCount: byteCount,
                annotations: context.annotations
            )
        )
        // Spelled out: `cond ? value : nil` would make JSONValue.null (it is nil-literal convertible).
        guard shouldAnswer else { return Optional<JSONValue>.none }
        return (unrecorded.map(Result.failure) ?? result).responseJSON(id: context.id)
    }

    private func writeBatch(_ answers: [JSONValue]) {
        var bytes: [UInt8] = []
        JSONWriter.write(.array(answers), into: &bytes)
        sink.send(bytes)
    }
}

extension Result where Success == JSONValue, Failure == JSONRPCError {
    func responseJSON(id: RequestID) -> JSONValue {
        switch self {
        case .success(let value): return JSONRPCMessage.response(id: id, result: value).json
        case .failure(let error): return JSONRPCMessage.errorResponse(id: id, error: error).json
        }
    }
}

import Dispatch
import Logging
import Synchronization

extension MCPSession {
    /// Handles a JSON array: a batch in 2025-03-26, an invalid request in every other version.
    func receiveBatch(_ elements: [JSONValue], byteCount: Int, receivedAt: ContinuousClock.Instant) {
        guard let version = negotiatedVersion, version.allowsBatches else {
            let when = negotiatedVersion.map { "in protocol version \($0.rawValue)" } ?? "before initialization"
            reject(id: nil, method: nil, error: .invalidRequest("batches are not supported \(when)"),
                   byteCount: byteCount, since: receivedAt)
            return
        }
        guard !elements.isEmpty else {
            reject(id: nil, method: nil, error: .invalidRequest("empty batch"), byteCount: byteCount, since: receivedAt)
            return
        }
        var requests: [(RequestContext, JSONValue?)] = []
        var immediate: [JSONValue] = []
        for element in elements {
            switch JSONRPCMessage.decode(element) {
            case .failure(let failure):
                immediate.append(JSONRPCMessage.errorResponse(id: failure.id, error: failure.error).json)
            case .success(.request(let id, "initialize", _)):
                // initialize MUST NOT be part of a batch (2025-03-26 lifecycle).
                let error = JSONRPCError.invalidRequest("initialize cannot be batched")
                immediate.append(JSONRPCMessage.errorResponse(id: id, error: error).json)
            case .success(.request(let id, let method, let params)):
                if let answer = inlineAnswer(id: id, method: method, params: params) {
                    immediate.append(answer.responseJSON(id: id))
                } else {
                    requests.append((RequestContext(id: id, method: method, params: params, session: self), params))
                }
            case .success(let other):
                receive(other, byteCount: 0, receivedAt: .now)
            }
        }
        runBatch(requests, immediate: immediate, byteCount: byteCount)
    }

    private func runBatch(_ requests: [(RequestContext, JSONValue?)], immediate: [JSONValue], byteCount: Int) {
        guard !requests.isEmpty else {
            if !immediate.isEmpty { writeBatch(immediate) }
            return
        }
        state.withLock { state in
            let key = state.nextBatchKey
            state.nextBatchKey += 1
            for (context, _) in requests where state.inFlight[context.id] == nil {
                state.inFlight[context.id] = InFlight(context: context, task: nil)
            }
            state.batchTasks[key] = Task { [self] in
                var answers = immediate
                await withTaskGroup(of: JSONValue?.self) { group in
                    for (context, params) in requests {
                        group.addTask {
                            let result = await self.dispatch(method: context.method, params: params, context: context)
                            return self.recordBatched(context, result: result, byteCount: byteCount)
                        }
                    }
                    for await answer in group { if let answer { answers.append(answer) } }
                }
                if !answers.isEmpty { writeBatch(answers) }
                let waiters = self.state.withLock { state in
                    for (context, _) in requests { state.inFlight.removeValue(forKey: context.id) }
                    state.batchTasks.removeValue(forKey: key)
                    return state.takeIdleWaitersIfIdle()
                }
                for waiter in waiters { waiter.resume() }
            }
        }
    }

    private func recordBatched(_ context: RequestContext, result: Result<JSONValue, JSONRPCError>, byteCount: Int)
        -> JSONValue?
    {
        let shouldAnswer = context.markFinished()
        observer.sessionRecorded(
            self,
            RequestRecord(id: context.id, method: context.method, outcome: shouldAnswer ? result.outcome : .cancelled,
                          duration: .now - context.receivedAt, byteCount: byteCount,
                          annotations: context.annotations))
        return shouldAnswer ? result.responseJSON(id: context.id) : nil
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

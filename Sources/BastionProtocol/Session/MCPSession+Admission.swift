import Logging
import Synchronization

/// Admission by credits: the reader never waits for a request to be allowed to run.
///
/// A session has ``MCPSession/Configuration/maxConcurrentRequests`` credits. A request that finds
/// one starts at once; otherwise it waits, without a task, in a FIFO bounded by
/// ``MCPSession/Configuration/maxQueuedRequests`` and ``MCPSession/Configuration/maxQueuedBytes``,
/// and starts when a finishing request hands its credit on. Past those bounds it is refused with
/// -32005 (busy), so memory stays bounded and the reader goes on reading: `ping`, cancellation and
/// answers to the server's own requests take no credit and are handled on arrival.
extension MCPSession {
    /// What admission decided for a request.
    enum Admission {
        /// It holds a credit: start its handler.
        case start
        /// It waits for a credit.
        case queued
        /// Its id is already in flight.
        case duplicate
        /// The queue is full.
        case busy
        /// The session is closed.
        case closed
        /// The client's stateless requests hold every slot of its ``ExchangeQuota``.
        case clientBusy
    }

    /// Registers a request as in flight and gives it a credit or a place in the queue.
    func admit(_ request: AdmittedRequest) -> Admission {
        // A stateless request also takes one of its client's slots (its one credit here bounds
        // nothing): given back when it releases its credit, or at once when it does not start.
        let quota = exchange?.quota
        if let quota, !quota.acquireRunning() { return .clientBusy }
        let now = ContinuousClock.now
        let (admission, watchdog) = state.withLock { state -> (Admission, CheckedContinuation<Void, Never>?) in
            let admission = state.admit(request, configuration: configuration, now: now)
            return (admission, admission == .start ? armWatchdog(&state) : nil)
        }
        watchdog?.resume()
        if admission != .start { quota?.releaseRunning() }
        return admission
    }

    /// Starts the handler of a request that holds a credit.
    /// - Parameter inline: Start on the calling thread until the handler's first suspension (for
    ///   handlers that never block, when called from the reader).
    func start(_ request: AdmittedRequest, inline: Bool) {
        let body: @Sendable () async -> Void = { [self] in
            // Cancelled between taking its credit and starting: it does not run.
            let result: Result<JSONValue, JSONRPCError>
            if request.context.isCancelled {
                result = .failure(.internalError("cancelled"))
            } else if routingSink != nil {
                // What the handler sends goes on its request's stream (a routing sink only: the
                // task-local costs the other transports nothing).
                result = await Self.$relatedRequest.withValue(request.context.id) {
                    await dispatch(method: request.context.method, params: request.params, context: request.context)
                }
            } else {
                result = await dispatch(
                    method: request.context.method,
                    params: request.params,
                    context: request.context
                )
            }
            finish(request, result: consume result)
        }
        // The task is created outside the lock: it may start (and contend for the lock) at once.
        let task = inline ? Task.immediate(operation: body) : Task(operation: body)
        let context = request.context
        let isStillRunning = state.withLock { state -> Bool in
            guard let entry = state.inFlight[context.id], entry.context === context,
                case .running(nil, let since) = entry.phase
            else { return false }
            state.inFlight[context.id]?.phase = .running(task: task, since: since)
            return true
        }
        // A cancellation that arrived before the handle was stored has only set the flag.
        if isStillRunning, context.isCancelled { task.cancel() }
    }

    /// Gives a finished request's credit to the oldest waiting request, or back to the session.
    ///
    /// - Parameter update: Done under the same lock first (forgetting the request, or marking a
    ///   batch member answered).
    func releaseCredit(_ update: (inout State) -> Void) {
        let (next, waiters, watchdog) = state.withLock {
            state -> (AdmittedRequest?, [CheckedContinuation<Void, Never>], CheckedContinuation<Void, Never>?) in
            update(&state)
            let next = state.passCredit(now: .now)
            if next == nil { exchange?.quota?.releaseRunning() }
            return (next, state.takeIdleWaitersIfIdle(), next == nil ? nil : armWatchdog(&state))
        }
        watchdog?.resume()
        for waiter in waiters { waiter.resume() }
        // Never inline here: the releasing task would run its successor's handler, and so on.
        if let next { start(next, inline: false) }
    }

    /// Drops a queued request the client cancelled; returns whether `id` was queued.
    func dropQueued(_ id: RequestID) -> Bool {
        let (dropped, waiters) = state.withLock { state -> (AdmittedRequest?, [CheckedContinuation<Void, Never>]) in
            guard let entry = state.inFlight[id], case .queued = entry.phase, let request = state.waiting.remove(id)
            else { return (nil, []) }
            state.waitingBytes -= request.queuedBytes
            state.inFlight.removeValue(forKey: id)
            return (request, state.takeIdleWaitersIfIdle())
        }
        guard let dropped else { return false }
        settleUnrun(dropped)
        for waiter in waiters { waiter.resume() }
        return true
    }

    /// Records a request that never ran as cancelled; no answer is sent for it (cancellation.mdx).
    func settleUnrun(_ request: AdmittedRequest) {
        _ = request.context.markCancelled()
        finish(request, result: .failure(.internalError("cancelled")), holdsCredit: false)
    }

    /// Records a finished request, writes its answer (unless cancelled) and releases what it held.
    func finish(_ request: AdmittedRequest, result: consuming Result<JSONValue, JSONRPCError>, holdsCredit: Bool = true)
    {
        let context = request.context
        let shouldAnswer = context.markFinished()
        let unrecorded = observer.sessionRecorded(
            self,
            RequestRecord(
                id: context.id,
                method: context.method,
                outcome: shouldAnswer ? result.outcome : .cancelled,
                duration: .now - context.receivedAt,
                byteCount: request.byteCount,
                annotations: context.annotations
            )
        )
        // A result whose record was not written is never sent: the audit error takes its place.
        if let unrecorded { result = .failure(unrecorded) }
        if !shouldAnswer || unrecorded != nil { context.answerDropped() }
        // A single modern answer gets the server's identity spliced in as it is encoded (below).
        var splicesServerInfo = false
        if context.envelope != nil {
            let splices: Bool
            if case .single = request.reply { splices = true } else { splices = false }
            result = result.map { value in
                let (modern, spliced) = modernResult(value, method: context.method, leavingServerInfo: splices)
                splicesServerInfo = spliced
                return modern
            }.mapError(Self.modernError)
        }
        switch request.reply {
        case .single:
            if shouldAnswer {
                // An exchange's answer keeps its reservation until the transport has taken it.
                let held = exchange == nil ? [] : context.takeHeld()
                let message: JSONRPCMessage
                switch result {
                case .success(let value): message = .response(id: context.id, result: value)
                case .failure(let error): message = .errorResponse(id: context.id, error: error)
                }
                // An answer the peer can no longer take is dropped like a cancelled one: what it
                // would have told (a task's id) is undone.
                let written =
                    splicesServerInfo
                    ? writeWithServerInfo(message, holding: held) : write(message, holding: held)
                if !written, unrecorded == nil { context.answerDropped() }
            }
            // The answer is written: dropped before what was reserved for it is released, so the
            // budget never counts as free the memory a large answer still holds.
            result = .success(.null)
            context.releaseHeld()
            // Forgotten only after the answer is written and what it held released, so close()
            // never drains ahead of either.
            if holdsCredit { releaseCredit { $0.forget(context) } }
        case .batch(let reply):
            if holdsCredit { releaseCredit { $0.markAnswered(context) } }
            // Spelled out: `cond ? value : nil` would make JSONValue.null (it is nil-literal convertible).
            let answer = shouldAnswer ? result.responseJSON(id: context.id) : Optional<JSONValue>.none
            if let completion = reply.settle(answer) { complete(completion) }
        }
    }

    /// Writes a settled batch, then forgets its members.
    func complete(_ batch: BatchReply.Completion) {
        if !batch.answers.isEmpty { writeBatch(batch.answers) }
        for member in batch.members { member.releaseHeld() }
        let waiters = state.withLock { state in
            for member in batch.members { state.forget(member) }
            return state.takeIdleWaitersIfIdle()
        }
        for waiter in waiters { waiter.resume() }
    }

    func writeBatch(_ answers: [JSONValue]) {
        var bytes: [UInt8] = []
        JSONWriter.write(.array(answers), into: &bytes)
        guard let routingSink else {
            sink.send(bytes)
            return
        }
        routingSink.send(bytes, route: .batch(answers.compactMap { $0["id"].flatMap(RequestID.init(json:)) }))
    }
}

extension MCPSession.State {
    mutating func admit(
        _ request: AdmittedRequest,
        configuration: MCPSession.Configuration,
        now: ContinuousClock.Instant
    ) -> MCPSession.Admission {
        if case .closed = phase { return .closed }
        guard inFlight[request.id] == nil else { return .duplicate }
        if running < max(1, configuration.maxConcurrentRequests) {
            running += 1
            inFlight[request.id] = MCPSession.InFlight(context: request.context, phase: .running(task: nil, since: now))
            return .start
        }
        // One request always fits an empty queue, whatever its size (the frame limit bounds it).
        let fits = waiting.isEmpty || waitingBytes + request.queuedBytes <= configuration.maxQueuedBytes
        guard waiting.count < configuration.maxQueuedRequests, fits else { return .busy }
        waiting.append(request)
        waitingBytes += request.queuedBytes
        inFlight[request.id] = MCPSession.InFlight(context: request.context, phase: .queued)
        return .queued
    }

    /// Hands a freed credit to the oldest waiting request (returned, to be started) or returns it.
    mutating func passCredit(now: ContinuousClock.Instant) -> AdmittedRequest? {
        guard let next = waiting.popFirst() else {
            running -= 1
            return nil
        }
        waitingBytes -= next.queuedBytes
        inFlight[next.id]?.phase = .running(task: nil, since: now)
        return next
    }

    /// Empties the queue (the session is closing); the requests are no longer in flight.
    mutating func dropWaiting() -> [AdmittedRequest] {
        let dropped = waiting.removeAll()
        waitingBytes = 0
        for request in dropped { forget(request.context) }
        return dropped
    }

    mutating func forget(_ context: RequestContext) {
        if inFlight[context.id]?.context === context { inFlight.removeValue(forKey: context.id) }
    }

    mutating func markAnswered(_ context: RequestContext) {
        if inFlight[context.id]?.context === context { inFlight[context.id]?.phase = .answered }
    }
}

extension JSONRPCError {
    /// MCP leaves -32000…-32099 to implementations, but SDKs use -32000 (connection closed) and
    /// -32001 (request timeout), MCP uses -32002 (resource not found) and -32042, and the
    /// 2026-07-28 revision reserves -32020…-32099; -32005 is the "limit exceeded" of other
    /// JSON-RPC servers (EIP-1474).
    package static let serverBusyCode = -32005

    /// -32005: the client's stateless requests run all it may at once; retry later.
    package static func clientBusy(running: Int) -> JSONRPCError {
        JSONRPCError(
            code: serverBusyCode,
            message: "Server busy: \(running) requests of this client are running; retry once some have finished",
            data: ["running": .int(Int64(running))]
        )
    }

    /// -32005: the session runs all the requests it may and its queue is full; retry later.
    package static func serverBusy(running: Int, queued: Int) -> JSONRPCError {
        JSONRPCError(
            code: serverBusyCode,
            message: "Server busy: \(running) requests of this session are running and \(queued) are waiting; "
                + "retry once some have finished",
            data: ["running": .int(Int64(running)), "queued": .int(Int64(queued))]
        )
    }
}

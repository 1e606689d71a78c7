import Logging
import Synchronization

extension MCPSession {
    /// Makes sure the deadline watchdog runs and wakes it if it is waiting for work.
    ///
    /// Called under the state lock when a request gets a credit: one check, no allocation, so the
    /// hot path pays nothing for deadlines (no timer per request).
    func armWatchdog(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        if isExchange {
            // One request, and many exchanges at once: the process's ticker, not a task each.
            if state.deadlineTicket == nil, !isClosed {
                state.deadlineTicket = DeadlineTicker.shared.add(deadline: .now + configuration.handlerDeadline) {
                    [weak self] in self?.checkExchangeDeadline()
                }
            }
            return nil
        }
        if state.watchdog == nil, !isClosed {
            state.watchdog = Task { [self] in await watchOverDeadlines() }
        }
        defer { state.watchdogWaiter = nil }
        return state.watchdogWaiter
    }

    /// One task per session: sleeps until the oldest running request's deadline, expires what is
    /// overdue, and waits without a timer while nothing runs.
    private func watchOverDeadlines() async {
        let limit = configuration.handlerDeadline
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let (overdue, next) = state.withLock { state -> ([RequestContext], ContinuousClock.Instant?) in
                state.watchdogRounds += 1
                var overdue: [RequestContext] = []
                var next: ContinuousClock.Instant?
                // The deadline bounds a handler's run: it counts from when the request got its
                // credit, not from its arrival (a queued request has no handler to stop yet).
                // A finished request whose answer is still being written (a client reading slowly)
                // has nothing left to expire: skipped, or the loop would find it overdue forever.
                for entry in state.inFlight.values where !entry.context.isTimedOut && !entry.context.isFinished {
                    guard case .running(_, let since) = entry.phase else { continue }
                    let deadline = since + limit + entry.context.deadlineExtension
                    if deadline <= now {
                        overdue.append(entry.context)
                    } else if next.map({ deadline < $0 }) ?? true {
                        next = deadline
                    }
                }
                return (overdue, next)
            }
            for context in overdue {
                logger.notice(
                    "Request passed its deadline",
                    metadata: ["rpc.id": "\(context.id)", "rpc.method": "\(context.method)"]
                )
                expire(context)
            }
            if let next {
                try? await Task.sleep(until: next, clock: .continuous)
            } else if overdue.isEmpty {
                await waitForWork()
            }
        }
    }

    /// An exchange's deadline came (or its extension moved it): expires its request when it is
    /// overdue, else waits for the new deadline.
    private func checkExchangeDeadline() {
        let now = ContinuousClock.now
        let limit = configuration.handlerDeadline
        let overdue = state.withLock { state -> [RequestContext] in
            state.deadlineTicket = nil
            guard !isClosed else { return [] }
            var overdue: [RequestContext] = []
            var next: ContinuousClock.Instant?
            for entry in state.inFlight.values where !entry.context.isTimedOut && !entry.context.isFinished {
                guard case .running(_, let since) = entry.phase else { continue }
                let deadline = since + limit + entry.context.deadlineExtension
                if deadline <= now { overdue.append(entry.context) } else { next = min(next ?? deadline, deadline) }
            }
            if let next {
                state.deadlineTicket = DeadlineTicker.shared.add(deadline: next) { [weak self] in
                    self?.checkExchangeDeadline()
                }
            }
            return overdue
        }
        for context in overdue {
            logger.notice(
                "Request passed its deadline",
                metadata: ["rpc.id": "\(context.id)", "rpc.method": "\(context.method)"]
            )
            expire(context)
        }
    }

    /// How many rounds the watchdog has made (for tests).
    var watchdogRounds: Int { state.withLock { $0.watchdogRounds } }

    private func waitForWork() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Requests already expired but still running (ignoring cancellation), and
                    // finished ones whose answer is still being written, are not work to watch:
                    // the loop above skips them, so waking for them would spin.
                    let hasWork = state.inFlight.values.contains { entry in
                        guard case .running = entry.phase else { return false }
                        return !entry.context.isTimedOut && !entry.context.isFinished
                    }
                    if hasWork || Task.isCancelled { return true }
                    state.watchdogWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.watchdogWaiter = nil }
                return state.watchdogWaiter
            }?.resume()
        }
    }
}

import Synchronization

/// The calls of one server process waiting for the local operator, by id.
///
/// A waiting call holds a continuation; whichever comes first — the operator's answer, the timeout,
/// or the client's cancellation — removes the entry and resumes it, exactly once.
final class PendingApprovals: Sendable {
    /// How a wait ended.
    enum Answer: Sendable, Hashable {
        /// The operator allowed the call.
        case allowed
        /// The operator denied it, maybe saying why.
        case denied(reason: String?)
        /// Nobody answered within the timeout.
        case timedOut
        /// The waiting task was cancelled (the client cancelled its request, or the deadline passed).
        case cancelled
    }

    private struct Entry {
        var request: ApprovalRequest
        /// The waiting call, once it has suspended.
        var continuation: CheckedContinuation<Answer, Never>?
        /// An answer that came before the call suspended; it takes it when it gets there.
        var answer: Answer?
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Creates an empty table.
    init() {}

    /// The requests still waiting for an answer, oldest first.
    var requests: [ApprovalRequest] {
        entries.withLock { $0.values.filter { $0.answer == nil }.map(\.request) }.sorted { $0.createdAt < $1.createdAt }
    }

    /// The waiting request with `id`, if any.
    func request(id: String) -> ApprovalRequest? {
        entries.withLock { entries in entries[id].flatMap { $0.answer == nil ? $0.request : nil } }
    }

    /// Waits for the operator's answer to `request`.
    ///
    /// The entry exists before anything can answer it, so an answer, a timeout or a cancellation
    /// that races with the suspension is kept and taken, never lost.
    /// - Parameters:
    ///   - request: The request; its id must be new.
    ///   - timeout: The longest wait.
    ///   - registered: Called once the request can be answered (to tell the operator).
    /// - Returns: The answer; the entry is gone when this returns.
    func wait(
        for request: ApprovalRequest,
        timeout: Duration,
        registered: @Sendable (ApprovalRequest) -> Void = { _ in }
    ) async -> Answer {
        let id = request.id
        entries.withLock { $0[id] = Entry(request: request) }
        registered(request)
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            resolve(id: id, with: .timedOut)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Answer, Never>) in
                let early = entries.withLock { entries -> Answer? in
                    guard let entry = entries[id] else { return .cancelled }  // unreachable: only we remove it
                    if let answer = entry.answer {
                        entries[id] = nil
                        return answer
                    }
                    entries[id]?.continuation = continuation
                    return nil
                }
                if let early { continuation.resume(returning: early) }
            }
        } onCancel: {
            resolve(id: id, with: .cancelled)
        }
    }

    /// Ends the wait of `id` with `answer`; the first answer wins.
    /// - Returns: `false` when no request with that id is waiting (unknown, answered or expired).
    @discardableResult
    func resolve(id: String, with answer: Answer) -> Bool {
        let (isFound, continuation) = entries.withLock { entries -> (Bool, CheckedContinuation<Answer, Never>?) in
            guard let entry = entries[id], entry.answer == nil else { return (false, nil) }
            if let continuation = entry.continuation {
                entries[id] = nil
                return (true, continuation)
            }
            entries[id]?.answer = answer
            return (true, nil)
        }
        continuation?.resume(returning: answer)
        return isFound
    }

    /// Ends every wait with `answer` (server shutdown).
    func resolveAll(with answer: Answer) {
        for id in entries.withLock({ Array($0.keys) }) { resolve(id: id, with: answer) }
    }
}

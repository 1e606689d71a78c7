import Synchronization

/// Collects the answers of one 2025-03-26 batch until its last member is settled.
///
/// Members run (or wait for credits) like single requests; none holds a credit while waiting for
/// the others, so a batch larger than the session's limit still completes. The reader holds the
/// batch open while it admits the members (``settleMembers(adding:)``), so a member finishing
/// early cannot end the batch before the rest were admitted.
final class BatchReply: Sendable {
    /// A batch whose every member is settled.
    struct Completion {
        /// The array to write (members cancelled by the client have no element).
        var answers: [JSONValue]
        /// The members still registered as in flight until the array is written.
        var members: [RequestContext]
    }

    private struct State {
        var answers: [JSONValue] = []
        var members: [RequestContext] = []
        /// Members not yet settled, plus one while the reader admits them.
        var unsettled = 1
    }

    private let state = Mutex(State())

    /// Counts one more member to wait for; call before it can possibly finish.
    func expect(_ member: RequestContext) {
        state.withLock { state in
            state.unsettled += 1
            state.members.append(member)
        }
    }

    /// Settles one expected member with its answer (`nil`: none, e.g. cancelled).
    /// - Returns: The batch, when this was its last member.
    func settle(_ answer: JSONValue?) -> Completion? {
        state.withLock { state in
            if let answer { state.answers.append(answer) }
            return Self.complete(&state)
        }
    }

    /// Ends the reader's hold, adding the answers settled while reading the batch.
    /// - Returns: The batch, when every member is already settled.
    func settleMembers(adding answers: [JSONValue]) -> Completion? {
        state.withLock { state in
            state.answers.append(contentsOf: answers)
            return Self.complete(&state)
        }
    }

    private static func complete(_ state: inout State) -> Completion? {
        state.unsettled -= 1
        guard state.unsettled == 0 else { return nil }
        defer { state = State(unsettled: 0) }
        return Completion(answers: state.answers, members: state.members)
    }
}

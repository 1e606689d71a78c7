/// How many calls wait for a person, per client and in all (``ApprovalManager``'s admission).
struct WaitingCount: Sendable, Hashable {
    private(set) var total = 0
    private(set) var byClient: [String: Int] = [:]

    /// Counts one more waiting call of `clientID`, or says why it may not wait.
    /// - Parameters:
    ///   - clientID: The caller.
    ///   - perClient: Calls one client may have waiting.
    ///   - total: Calls that may wait in all.
    /// - Returns: `nil` when admitted (then ``release(_:)`` must follow), else the refusal's reason.
    mutating func admit(_ clientID: String, perClient: Int, total limit: Int) -> String? {
        let mine = byClient[clientID, default: 0]
        guard mine < perClient else {
            return "\(perClient) calls of this client are already waiting for approval; try again later"
        }
        guard total < limit else { return "\(limit) calls are already waiting for approval; try again later" }
        byClient[clientID] = mine + 1
        total += 1
        return nil
    }

    /// Counts one waiting call of `clientID` less.
    mutating func release(_ clientID: String) {
        let mine = byClient[clientID, default: 0]
        guard mine > 0 else { return }
        byClient[clientID] = mine > 1 ? mine - 1 : nil
        total -= 1
    }
}

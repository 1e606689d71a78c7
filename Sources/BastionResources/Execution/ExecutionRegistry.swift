import Synchronization

/// Every running child of the server, so that shutdown can kill them all and a client's
/// concurrent runs can be capped.
final class ExecutionRegistry: Sendable {
    private struct State {
        var nextID: UInt64 = 0
        var runs: [UInt64: (client: String, control: RunControl)] = [:]
        var perClient: [String: Int] = [:]
        var isStopped = false
    }

    private let state = Mutex(State())

    /// Registers a run of `client` unless it already has `cap` running or the server stopped.
    /// - Returns: The run's id, or `nil` when refused.
    func admit(client: String, cap: Int, control: RunControl) -> UInt64? {
        state.withLock { state in
            guard !state.isStopped, state.perClient[client, default: 0] < max(1, cap) else { return nil }
            state.nextID += 1
            state.runs[state.nextID] = (client, control)
            state.perClient[client, default: 0] += 1
            return state.nextID
        }
    }

    /// Forgets a finished run.
    func finish(_ id: UInt64) {
        state.withLock { state in
            guard let run = state.runs.removeValue(forKey: id) else { return }
            state.perClient[run.client, default: 1] -= 1
            if state.perClient[run.client] == 0 { state.perClient[run.client] = nil }
        }
    }

    /// Kills every running child and refuses new runs.
    func stopAll() {
        let controls = state.withLock { state in
            state.isStopped = true
            return state.runs.values.map(\.control)
        }
        for control in controls { control.stop(.shutdown) }
    }

    /// Whether ``stopAll()`` was called.
    var isStopped: Bool { state.withLock { $0.isStopped } }

    /// How many children `client` runs now.
    func running(client: String) -> Int { state.withLock { $0.perClient[client, default: 0] } }
}

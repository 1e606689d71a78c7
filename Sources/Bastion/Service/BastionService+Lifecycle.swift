import BastionProtocol
import Synchronization

/// The service's phases and its table of live connections: every change happens under the state
/// lock, and every waiter is resumed outside it.
extension BastionService {
    /// Starts accepting connections (once the signals are trapped, so none can kill the process).
    func open() {
        let (waiters, isRunning) = state.withLock { state -> ([CheckedContinuation<Bool, Never>], Bool) in
            if state.phase == .starting { state.phase = .running }
            defer { state.readyWaiters.removeAll() }
            return (state.readyWaiters, state.phase == .running)
        }
        for waiter in waiters { waiter.resume(returning: isRunning) }
    }

    /// Waits until ``run()`` has started; `false` once the service is stopping or stopped.
    func isRunning() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer = state.withLock { state -> Bool? in
                switch state.phase {
                case .starting:
                    state.readyWaiters.append(continuation)
                    return nil
                case .running: return true
                case .stopping, .stopped: return false
                }
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Returns once a shutdown was requested.
    func shutdownRequested() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isRequested = state.withLock { state -> Bool in
                if state.shutdownReason != nil { return true }
                state.shutdownWaiter = continuation
                return false
            }
            if isRequested { continuation.resume() }
        }
    }

    /// Adds a connection to the table; `false` once the service is stopping.
    func register(_ connection: LiveConnection) -> Bool {
        state.withLock { state in
            guard state.phase == .running, state.shutdownReason == nil else { return false }
            state.connections[connection.session.id] = connection
            return true
        }
    }

    /// Removes a finished connection; the last one out wakes a waiting shutdown.
    func unregister(_ connection: LiveConnection) {
        unregister(session: connection.session.id)
    }

    /// Removes the finished connection of session `id`; the last one out wakes a waiting shutdown.
    func unregister(session id: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.connections.removeValue(forKey: id)
            guard state.connections.isEmpty else { return nil }
            defer { state.drainedWaiter = nil }
            return state.drainedWaiter
        }
        waiter?.resume()
    }

    /// The connections served now.
    var liveConnections: [LiveConnection] { state.withLock { Array($0.connections.values) } }

    /// Refuses new connections, asks every live one to stop with ``shutdownGrace`` and waits until
    /// all of them have closed their sessions.
    func stopEveryConnection() async {
        let connections = state.withLock { state -> [LiveConnection] in
            state.phase = .stopping
            return Array(state.connections.values)
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            defer { state.readyWaiters.removeAll() }
            return state.readyWaiters
        }
        for waiter in waiters { waiter.resume(returning: false) }
        for connection in connections { connection.requestStop(grace: Self.shutdownGrace) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isDrained = state.withLock { state -> Bool in
                if state.connections.isEmpty { return true }
                state.drainedWaiter = continuation
                return false
            }
            if isDrained { continuation.resume() }
        }
    }
}

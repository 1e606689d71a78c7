import Synchronization

/// Every connection of one listener, and whose it is: the count behind ``HTTPLimits``.
///
/// A connection enters when accepted (``open(_:address:)``), is marked once a request head
/// arrived on it (``sawRequest(_:)``), is attributed to the first client that authenticated on it
/// (``admit(_:client:)``) and leaves when it closes. Until attributed it is *pending*: an address
/// may have only so many pending connections, so peers that never authenticate cannot take the
/// slots of those who do. Connections are named by their channel's `ObjectIdentifier`, which
/// cannot be reused while the entry exists (the channel lives until it leaves).
final class ConnectionLedger: Sendable {
    /// Why a connection was not let in.
    enum Refusal: Error, Hashable {
        /// ``HTTPLimits/maxConnections`` connections are open.
        case full
        /// Its address has ``HTTPLimits/maxPendingConnectionsPerAddress`` unauthenticated ones open.
        case tooManyPending
        /// Its client holds ``HTTPLimits/maxConnectionsPerClient`` connections already.
        case tooManyForClient
        /// It sent what HTTP cannot parse (a head over ``HTTPLimits/maxHeaderBytes``, garbage):
        /// answered 400 by the HTTP codec, and closed.
        case malformed
    }

    private struct Entry {
        var address: String
        var sawRequest = false
        var client: String?
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var pendingByAddress: [String: Int] = [:]
        var connectionsByClient: [String: Int] = [:]
        var pending = 0
    }

    let limits: HTTPLimits
    private let state = Mutex(State())

    init(limits: HTTPLimits) {
        self.limits = limits
    }

    /// Connections open now.
    var count: Int { state.withLock { $0.entries.count } }

    /// Connections `client` holds now.
    func connections(of client: String) -> Int { state.withLock { $0.connectionsByClient[client] ?? 0 } }

    /// Lets a new connection in from `address`, or says why not (it is then not counted).
    func open(_ connection: ObjectIdentifier, address: String) throws(Refusal) {
        try state.withLock { (state: inout State) throws(Refusal) in
            guard state.entries.count < limits.maxConnections else { throw .full }
            // Half the listener is kept for connections that authenticate.
            guard state.pending < max(1, limits.maxConnections / 2) else { throw .tooManyPending }
            let pending = state.pendingByAddress[address] ?? 0
            guard pending < limits.maxPendingConnectionsPerAddress else { throw .tooManyPending }
            state.pendingByAddress[address] = pending + 1
            state.pending += 1
            state.entries[connection] = Entry(address: address)
        }
    }

    /// Forgets a connection that closed (nothing when it was never let in).
    func close(_ connection: ObjectIdentifier) {
        state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: connection) else { return }
            if let client = entry.client {
                Self.decrement(&state.connectionsByClient, client)
            } else {
                Self.decrement(&state.pendingByAddress, entry.address)
                state.pending -= 1
            }
        }
    }

    /// Notes that a request head arrived on `connection` (or on the first of `candidates` the
    /// ledger knows: an HTTP/2 stream's connection is its parent).
    func sawRequest(_ candidates: ObjectIdentifier?...) {
        state.withLock { state in
            guard let key = Self.known(candidates, in: state) else { return }
            state.entries[key]?.sawRequest = true
        }
    }

    /// Whether a client authenticated on `connection`.
    func isAttributed(_ connection: ObjectIdentifier) -> Bool {
        state.withLock { $0.entries[connection]?.client != nil }
    }

    /// Whether a request head arrived on `connection`.
    func hasSeenRequest(_ connection: ObjectIdentifier) -> Bool {
        state.withLock { $0.entries[connection]?.sawRequest ?? false }
    }

    /// Attributes the connection a request of `client` came on to that client, once: the first
    /// client that authenticates on a connection owns it (a proxy's connection may carry others
    /// later; they are not counted twice). A connection the ledger never saw — none in
    /// production, where ``ConnectionGuard`` sees every one — is not counted.
    /// - Throws: ``Refusal/tooManyForClient`` when the client holds its share already.
    func admit(_ candidates: ObjectIdentifier?..., client: String) throws(Refusal) {
        try state.withLock { (state: inout State) throws(Refusal) in
            guard let key = Self.known(candidates, in: state), let entry = state.entries[key],
                entry.client == nil
            else { return }
            let held = state.connectionsByClient[client] ?? 0
            guard held < limits.maxConnectionsPerClient else { throw .tooManyForClient }
            state.connectionsByClient[client] = held + 1
            Self.decrement(&state.pendingByAddress, entry.address)
            state.pending -= 1
            state.entries[key]?.client = client
        }
    }

    private static func known(_ candidates: [ObjectIdentifier?], in state: State) -> ObjectIdentifier? {
        for case let candidate? in candidates where state.entries[candidate] != nil { return candidate }
        return nil
    }

    private static func decrement(_ counts: inout [String: Int], _ key: String) {
        let count = (counts[key] ?? 1) - 1
        counts[key] = count > 0 ? count : nil
    }
}

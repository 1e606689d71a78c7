import Synchronization

/// The `(keyid, nonce)` pairs of accepted signed requests, remembered while a request carrying
/// them could still be accepted, so that a replay inside the window is refused (RFC 9421 §7.2.2).
///
/// Memory is bounded: at most ``perKeyLimit`` live nonces per key and ``totalLimit`` in all. A
/// request that would go over a cap is refused (fail closed) rather than forgetting a live nonce,
/// which would reopen a replay. Expired entries are dropped on the way.
public final class NonceCache: Sendable {
    /// What recording a nonce found.
    public enum Outcome: Sendable, Hashable {
        /// Not seen in the window: now recorded.
        case fresh
        /// Seen in the window: a replay.
        case replayed
        /// A cap is reached: not recorded, refuse the request.
        case full
    }

    private struct State {
        /// Key id → nonce → the second after which it may be forgotten.
        var nonces: [String: [String: Int64]] = [:]
        var total = 0
        var lastSweep: Int64 = .min
    }

    /// Live nonces remembered per key at most.
    public let perKeyLimit: Int
    /// Live nonces remembered in all at most.
    public let totalLimit: Int
    /// Seconds between sweeps of every key's expired nonces.
    static let sweepInterval: Int64 = 10
    private let state = Mutex(State())

    /// Creates an empty cache.
    /// - Parameters:
    ///   - perKeyLimit: Live nonces per key at most (default 10,000).
    ///   - totalLimit: Live nonces in all at most (default 100,000).
    public init(perKeyLimit: Int = 10_000, totalLimit: Int = 100_000) {
        self.perKeyLimit = max(1, perKeyLimit)
        self.totalLimit = max(1, totalLimit)
    }

    /// Records `nonce` for `keyID` unless it is live.
    /// - Parameters:
    ///   - nonce: The request's `nonce`.
    ///   - keyID: The request's `keyid`.
    ///   - expiresAt: The second after which no request carrying it can be accepted any more.
    ///   - now: The current time, in seconds.
    /// - Returns: Whether the nonce was fresh, a replay, or could not be recorded.
    public func record(nonce: String, keyID: String, expiresAt: Int64, now: Int64) -> Outcome {
        state.withLock { state in
            if now >= state.lastSweep &+ Self.sweepInterval { Self.sweep(&state, now: now) }
            if let expiry = state.nonces[keyID]?[nonce] {
                if expiry >= now { return .replayed }
                state.nonces[keyID]?[nonce] = nil
                state.total -= 1
            }
            if state.total >= totalLimit || state.nonces[keyID, default: [:]].count >= perKeyLimit {
                // Full: drop what has expired before refusing, at most once a second (a sweep walks
                // every entry, and a client at its cap must not make each request pay for one).
                if now > state.lastSweep { Self.sweep(&state, now: now) }
                guard state.total < totalLimit, state.nonces[keyID, default: [:]].count < perKeyLimit else {
                    return .full
                }
            }
            state.nonces[keyID, default: [:]][nonce] = expiresAt
            state.total += 1
            return .fresh
        }
    }

    /// The live nonces remembered, for tests and metrics.
    public var count: Int { state.withLock { $0.total } }

    private static func sweep(_ state: inout State, now: Int64) {
        var total = 0
        for (key, nonces) in state.nonces {
            let live = nonces.filter { $0.value >= now }
            state.nonces[key] = live.isEmpty ? nil : live
            total += live.count
        }
        state.total = total
        state.lastSweep = now
    }
}

import Synchronization

/// What one client's stateless requests (``MCPExchange``) may hold at once, together: each runs
/// in a session of its own, so the credits that bound a connection (``MCPSession/Configuration/maxConcurrentRequests``)
/// would bound nothing. A request beyond ``maximumRunning`` is refused as busy (-32005), a listen
/// beyond ``maximumListens`` too; each is given back when its request ends.
public final class ExchangeQuota: Sendable {
    /// Requests of the client running at once, listens included.
    public let maximumRunning: Int
    /// `subscriptions/listen` requests of the client open at once: each may watch up to the
    /// per-session number of resources, and watches are a kernel resource the server shares.
    public let maximumListens: Int

    private struct Counts {
        var running = 0
        var listens = 0
    }

    private let counts = Mutex(Counts())

    /// Creates a quota.
    public init(maximumRunning: Int, maximumListens: Int = 8) {
        self.maximumRunning = max(1, maximumRunning)
        self.maximumListens = max(1, maximumListens)
    }

    /// Takes a running slot; `false` when all are taken.
    func acquireRunning() -> Bool {
        counts.withLock { counts in
            guard counts.running < maximumRunning else { return false }
            counts.running += 1
            return true
        }
    }

    /// Gives a running slot back.
    func releaseRunning() {
        counts.withLock { $0.running -= 1 }
    }

    /// Takes a listen slot; `false` when all are taken.
    func acquireListen() -> Bool {
        counts.withLock { counts in
            guard counts.listens < maximumListens else { return false }
            counts.listens += 1
            return true
        }
    }

    /// Gives a listen slot back.
    func releaseListen() {
        counts.withLock { $0.listens -= 1 }
    }

    /// Requests and listens held now.
    public var held: (running: Int, listens: Int) {
        counts.withLock { ($0.running, $0.listens) }
    }
}

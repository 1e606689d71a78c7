import Synchronization

/// `requests_per_second` per client: a token bucket of one second's worth of requests, refilled
/// continuously. A request that finds it empty is told how long until the next token
/// (`Retry-After`, whole seconds, at least 1).
///
/// One entry per client that sent a request — bounded by the configured clients.
final class RequestRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Requests per second, and the burst.
    let rate: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Int) {
        precondition(rate > 0, "a rate limit of zero refuses everything; use no limiter")
        self.rate = rate
    }

    /// Takes `cost` tokens for `client` (one per message; a batch's count): `nil` when it may go
    /// on, else how long to wait. A batch larger than the burst passes once the bucket is full
    /// and leaves it in debt, so the client then waits `cost / rate` seconds (review 16): a
    /// 20,000-message batch is not 20,000 records for the price of one bucket.
    func take(_ client: String, cost: Int = 1, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            let capacity = Double(rate)
            let cost = Double(max(1, cost))
            let needed = min(cost, capacity)
            var bucket = buckets[client] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = bucket.updated < now ? bucket.updated.duration(to: now) : .zero
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            bucket.tokens = min(capacity, bucket.tokens + seconds * capacity)
            bucket.updated = now
            guard bucket.tokens >= needed else {
                buckets[client] = bucket
                return .seconds((needed - bucket.tokens) / capacity)
            }
            bucket.tokens -= cost
            buckets[client] = bucket
            return nil
        }
    }

    /// `Retry-After` for a wait: whole seconds, rounded up, at least 1.
    static func retryAfter(_ wait: Duration) -> String {
        let seconds = wait.components.seconds + (wait.components.attoseconds > 0 ? 1 : 0)
        return String(max(1, seconds))
    }
}

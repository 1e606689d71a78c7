import Testing

@testable import BastionTransport

/// `requests_per_second` as a token bucket (RequestRateLimiter.swift).
struct RequestRateLimiterTests {
    @Test func aBurstOfTheRateGoesThenTheNextWaits() {
        let limiter = RequestRateLimiter(rate: 5)
        let start = ContinuousClock.now
        for _ in 0..<5 { #expect(limiter.take("claude", now: start) == nil) }
        let wait = limiter.take("claude", now: start)
        #expect(wait != nil)
        #expect(wait! > .milliseconds(150) && wait! <= .milliseconds(200))
    }

    /// Review 14, finding 7: a batch costs one token per request it carries, at most a bucket.
    @Test func aBatchCostsItsRequests() {
        let limiter = RequestRateLimiter(rate: 10)
        let start = ContinuousClock.now
        #expect(limiter.take("claude", cost: 8, now: start) == nil)
        #expect(limiter.take("claude", cost: 3, now: start) != nil)  // 2 left
        #expect(limiter.take("claude", cost: 2, now: start) == nil)
        // Larger than the burst: it passes on a full bucket and leaves it in debt (review 16).
        let later = start + .seconds(2)
        #expect(limiter.take("claude", cost: 100, now: later) == nil)
        #expect(limiter.take("claude", now: later + .seconds(1)) != nil)
        #expect(limiter.take("claude", now: later + .seconds(9)) != nil)
        #expect(limiter.take("claude", now: later + .milliseconds(9_200)) == nil)
    }

    @Test func tokensComeBackWithTime() {
        let limiter = RequestRateLimiter(rate: 2)
        let start = ContinuousClock.now
        #expect(limiter.take("claude", now: start) == nil)
        #expect(limiter.take("claude", now: start) == nil)
        #expect(limiter.take("claude", now: start) != nil)
        #expect(limiter.take("claude", now: start + .milliseconds(600)) == nil)
        // Never more than the burst, however long the client was quiet.
        let later = start + .seconds(60)
        #expect(limiter.take("claude", now: later) == nil)
        #expect(limiter.take("claude", now: later) == nil)
        #expect(limiter.take("claude", now: later) != nil)
    }

    @Test func oneClientsBurstLeavesAnothersAlone() {
        let limiter = RequestRateLimiter(rate: 1)
        let now = ContinuousClock.now
        #expect(limiter.take("claude", now: now) == nil)
        #expect(limiter.take("claude", now: now) != nil)
        #expect(limiter.take("gpt", now: now) == nil)
    }

    @Test(arguments: [
        (Duration.milliseconds(1), "1"), (.zero, "1"), (.milliseconds(1500), "2"), (.seconds(3), "3"),
    ])
    func retryAfterIsWholeSecondsRoundedUp(wait: Duration, header: String) {
        #expect(RequestRateLimiter.retryAfter(wait) == header)
    }
}

import Testing

@testable import BastionSecurity

/// The replay cache (NonceCache.swift).
struct NonceCacheTests {
    @Test func aNonceIsFreshOnceAndAReplayUntilItExpires() {
        let cache = NonceCache()
        #expect(cache.record(nonce: "n", keyID: "a", expiresAt: 1300, now: 1000) == .fresh)
        #expect(cache.record(nonce: "n", keyID: "a", expiresAt: 1300, now: 1000) == .replayed)
        #expect(cache.record(nonce: "n", keyID: "a", expiresAt: 1600, now: 1300) == .replayed)
        #expect(cache.record(nonce: "n", keyID: "a", expiresAt: 1601, now: 1301) == .fresh)
    }

    @Test func nonceSpacesArePerKey() {
        let cache = NonceCache()
        #expect(cache.record(nonce: "n", keyID: "a", expiresAt: 1300, now: 1000) == .fresh)
        #expect(cache.record(nonce: "n", keyID: "b", expiresAt: 1300, now: 1000) == .fresh)
        #expect(cache.count == 2)
    }

    @Test func aKeyAtItsCapIsRefusedWithoutForgettingALiveNonce() {
        let cache = NonceCache(perKeyLimit: 2, totalLimit: 100)
        #expect(cache.record(nonce: "1", keyID: "a", expiresAt: 1300, now: 1000) == .fresh)
        #expect(cache.record(nonce: "2", keyID: "a", expiresAt: 1300, now: 1000) == .fresh)
        #expect(cache.record(nonce: "3", keyID: "a", expiresAt: 1300, now: 1000) == .full)
        #expect(cache.record(nonce: "1", keyID: "a", expiresAt: 1300, now: 1000) == .replayed)
        #expect(cache.record(nonce: "3", keyID: "b", expiresAt: 1300, now: 1000) == .fresh)
    }

    @Test func theGlobalCapRefusesEveryKey() {
        let cache = NonceCache(perKeyLimit: 10, totalLimit: 3)
        for key in ["a", "b", "c"] {
            #expect(cache.record(nonce: "n", keyID: key, expiresAt: 1300, now: 1000) == .fresh)
        }
        #expect(cache.record(nonce: "n", keyID: "d", expiresAt: 1300, now: 1000) == .full)
        #expect(cache.record(nonce: "m", keyID: "a", expiresAt: 1300, now: 1000) == .full)
    }

    @Test func expiredNoncesFreeTheirPlaces() {
        let cache = NonceCache(perKeyLimit: 2, totalLimit: 2)
        #expect(cache.record(nonce: "1", keyID: "a", expiresAt: 1005, now: 1000) == .fresh)
        #expect(cache.record(nonce: "2", keyID: "a", expiresAt: 1300, now: 1000) == .fresh)
        #expect(cache.record(nonce: "3", keyID: "a", expiresAt: 1300, now: 1001) == .full)
        #expect(cache.record(nonce: "3", keyID: "a", expiresAt: 1306, now: 1006) == .fresh)
        #expect(cache.count == 2)
        #expect(cache.record(nonce: "x", keyID: "b", expiresAt: 1700, now: 1400) == .fresh)
        #expect(cache.count == 1)
    }

    @Test func concurrentRecordsOfOneNonceAcceptOnlyOne() async {
        let cache = NonceCache()
        let fresh = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 {
                group.addTask { cache.record(nonce: "n", keyID: "a", expiresAt: 1300, now: 1000) == .fresh }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(fresh == 1)
    }
}

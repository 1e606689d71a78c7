import Testing

@testable import BastionProtocol

/// What one client's stateless requests hold together (ExchangeQuota.swift).
struct ExchangeQuotaTests {
    @Test func slotsAreTakenUpToTheMaximumAndGivenBack() {
        let quota = ExchangeQuota(maximumRunning: 2, maximumListens: 1)
        #expect(quota.acquireRunning() && quota.acquireRunning())
        #expect(!quota.acquireRunning())
        #expect(quota.acquireListen() && !quota.acquireListen())
        #expect(quota.held == (2, 1))
        quota.releaseRunning()
        quota.releaseListen()
        #expect(quota.acquireRunning() && quota.acquireListen())
    }

    @Test func aQuotaAlwaysAllowsOne() {
        let quota = ExchangeQuota(maximumRunning: 0, maximumListens: -3)
        #expect(quota.maximumRunning == 1 && quota.maximumListens == 1)
        #expect(quota.acquireRunning() && !quota.acquireRunning())
    }
}

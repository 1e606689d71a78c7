import Testing

@testable import BastionResources

struct SessionClockTests {
    @Test func theMonotonicClockAdvancesAndTheWallClockIsAfter2025() {
        let first = SessionClock.monotonicNs()
        #expect(SessionClock.monotonicNs() >= first)
        #expect(SessionClock.wallMs() > 1_735_689_600_000)
    }
}

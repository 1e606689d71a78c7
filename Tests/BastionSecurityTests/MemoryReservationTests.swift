import Testing

@testable import BastionSecurity

struct MemoryReservationTests {
    @Test func releaseGivesTheBytesBackExactlyOnce() async throws {
        let budget = MemoryBudget(limit: 100)
        let first = try await budget.reserve(40)
        let second = try await budget.reserve(40)
        first.release()
        first.release()
        #expect(budget.bytesInUse == 40)
        #expect(first.isHeld == false)
        #expect(second.isHeld)
        second.release()
        #expect(budget.bytesInUse == 0)
    }

    @Test func deinitReleasesWhatWasNotReleased() async throws {
        let budget = MemoryBudget(limit: 100)
        var reservation: MemoryReservation? = try await budget.reserve(70)
        #expect(budget.bytesInUse == 70)
        _ = reservation
        reservation = nil
        #expect(budget.bytesInUse == 0)
    }

    @Test func deinitAfterReleaseDoesNotReleaseTwice() async throws {
        let budget = MemoryBudget(limit: 100)
        var reservation: MemoryReservation? = try await budget.reserve(70)
        let other = try await budget.reserve(30)
        reservation?.release()
        reservation = nil
        #expect(budget.bytesInUse == 30)
        other.release()
    }
}

import Synchronization
import Testing

@testable import BastionSecurity

struct MemoryBudgetTests {
    /// Yields until `condition` holds (the waiters are other tasks); fails after many rounds.
    private func eventually(_ condition: () -> Bool) async throws {
        var rounds = 0
        while !condition(), rounds < 100_000 {
            await Task.yield()
            rounds += 1
        }
        try #require(condition())
    }

    @Test func aReservationThatFitsIsGrantedAtOnceAndReleasedOnce() async throws {
        let budget = MemoryBudget(limit: 100)
        let reservation = try await budget.reserve(60)
        #expect(reservation.byteCount == 60)
        #expect(budget.bytesInUse == 60)
        reservation.release()
        reservation.release()
        #expect(budget.bytesInUse == 0)
        #expect(!reservation.isHeld)
    }

    @Test func aDroppedReservationReleasesItself() async throws {
        let budget = MemoryBudget(limit: 100)
        do {
            _ = try await budget.reserve(100)
        }
        #expect(budget.bytesInUse == 0)
    }

    @Test func aReservationLargerThanTheBudgetIsRefusedAtOnce() async {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        await #expect {
            _ = try await budget.reserve(101)
        } throws: { error in
            (error as? MemoryBudgetError)?.code == .tooLarge
        }
        #expect(budget.waitingCount == 0)
    }

    @Test func aReservationThatNeverFitsFailsAsBusyAfterTheWait() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .milliseconds(20))
        let held = try await budget.reserve(80)
        await #expect {
            _ = try await budget.reserve(30)
        } throws: { error in
            let error = error as? MemoryBudgetError
            return error?.code == .busy && error?.message.contains("retry") == true
        }
        #expect(budget.waitingCount == 0)
        #expect(budget.bytesInUse == 80)
        held.release()
        #expect(budget.bytesInUse == 0)
    }

    @Test func aWaiterIsGrantedWhenRoomIsReleased() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        let held = try await budget.reserve(90)
        let waiter = Task { try await budget.reserve(50).byteCount }
        try await eventually { budget.waitingCount == 1 }
        held.release()
        #expect(try await waiter.value == 50)
        #expect(budget.bytesInUse == 0)
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        let held = try await budget.reserve(100)
        let large = Task { try await budget.reserve(80) }
        try await eventually { budget.waitingCount == 1 }
        let small = Task { try await budget.reserve(30) }
        try await eventually { budget.waitingCount == 2 }
        // 30 bytes would fit once 40 are free, but the large request came first and is not overtaken.
        held.release()
        let first = try await large.value
        #expect(budget.waitingCount == 1)
        #expect(budget.bytesInUse == 80)
        first.release()
        let second = try await small.value
        #expect(second.byteCount == 30)
        #expect(budget.waitingCount == 0)
    }

    @Test func aWithdrawnHeadLetsTheNextWaiterIn() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        let held = try await budget.reserve(60)
        let large = Task { try await budget.reserve(90) }
        try await eventually { budget.waitingCount == 1 }
        let small = Task { try await budget.reserve(30) }
        try await eventually { budget.waitingCount == 2 }
        large.cancel()
        // The small one fits beside the 60 held as soon as the large one ahead of it leaves.
        #expect(try await small.value.byteCount == 30)
        await #expect {
            _ = try await large.value
        } throws: { error in
            (error as? MemoryBudgetError)?.code == .cancelled
        }
        held.release()
    }

    @Test func cancellingAWaiterStopsItWithoutTakingAnything() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        let held = try await budget.reserve(100)
        let waiter = Task { try await budget.reserve(10) }
        try await eventually { budget.waitingCount == 1 }
        waiter.cancel()
        await #expect {
            _ = try await waiter.value
        } throws: { error in
            (error as? MemoryBudgetError)?.code == .cancelled
        }
        #expect(budget.waitingCount == 0)
        held.release()
        #expect(budget.bytesInUse == 0)
    }

    @Test func anAlreadyCancelledTaskDoesNotReserve() async {
        let budget = MemoryBudget(limit: 100)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await budget.reserve(10)
        }
        await #expect {
            _ = try await task.value
        } throws: { error in
            (error as? MemoryBudgetError)?.code == .cancelled
        }
        #expect(budget.bytesInUse == 0)
    }

    @Test func chargesMayExceedTheLimitAndHoldBackReservations() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        budget.charge(150)
        #expect(budget.bytesInUse == 150)
        let waiter = Task { try await budget.reserve(40).byteCount }
        try await eventually { budget.waitingCount == 1 }
        budget.refund(100)
        #expect(try await waiter.value == 40)
        budget.refund(50)
        #expect(budget.bytesInUse == 0)
    }

    @Test func manyConcurrentReservationsNeverExceedTheLimitAndAllReturn() async throws {
        let budget = MemoryBudget(limit: 100, maximumWait: .seconds(3_600))
        let peak = PeakCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let reservation = try await budget.reserve(10 + index % 40)
                    peak.observe(budget.bytesInUse)
                    await Task.yield()
                    reservation.release()
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.value <= 100)
        #expect(budget.bytesInUse == 0)
        #expect(budget.waitingCount == 0)
    }

    @Test(arguments: [(0, "0.0 MiB"), (1 << 20, "1.0 MiB"), (62_914_560, "60.0 MiB"), (1_572_864, "1.5 MiB")])
    func sizesAreShownInMebibytes(bytes: Int, text: String) {
        #expect(MemoryBudget.mebibytes(bytes) == text)
    }
}

/// The largest value observed, from many tasks.
private final class PeakCounter: Sendable {
    private let peak = Mutex(0)
    func observe(_ value: Int) { peak.withLock { $0 = max($0, value) } }
    var value: Int { peak.withLock { $0 } }
}

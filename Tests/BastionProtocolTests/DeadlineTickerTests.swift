import Synchronization
import Testing

@testable import BastionProtocol

/// Coarse process-wide deadlines (DeadlineTicker.swift).
struct DeadlineTickerTests {
    @Test func anActionRunsOnceAfterItsDeadlineAndARemovedOneNever() async throws {
        let ticker = DeadlineTicker()
        let ran = Mutex<[String]>([])
        _ = ticker.add(deadline: .now + .milliseconds(50)) { ran.withLock { $0.append("due") } }
        let removed = ticker.add(deadline: .now + .milliseconds(50)) { ran.withLock { $0.append("removed") } }
        ticker.remove(removed)
        for _ in 0..<100 where ran.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: DeadlineTicker.resolution * 2)
        #expect(ran.withLock { $0 } == ["due"])
        #expect(ticker.count == 0)
    }

    @Test func aLaterDeadlineWaitsForItsTime() async throws {
        let ticker = DeadlineTicker()
        let ran = Mutex(false)
        _ = ticker.add(deadline: .now + .seconds(30)) { ran.withLock { $0 = true } }
        try await Task.sleep(for: DeadlineTicker.resolution * 3)
        #expect(!ran.withLock { $0 })
        #expect(ticker.count == 1)
    }
}

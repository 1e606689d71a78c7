import Synchronization
import Testing

@testable import BastionSecurity

struct AuditThreadTests {
    @Test func aWakeUpSentBeforeTheWaitIsNotLost() async throws {
        let passes = Atomic<Int>(0)
        let thread = try #require(
            AuditThread.start { thread in
                thread.wait()
                passes.add(1, ordering: .relaxed)
            }
        )
        thread.wake()
        thread.wake()
        // The body waits once and ends; joining is not offered, so poll the counter briefly.
        for _ in 0..<1000 where passes.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(passes.load(ordering: .relaxed) == 1)
    }
}

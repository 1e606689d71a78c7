import Synchronization
import Testing

@testable import BastionSystem

struct DetachedThreadTests {
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
    }

    @Test func theBodyRunsOnAnotherThread() async throws {
        let ran = Flag()
        let started = DetachedThread.start { ran.value.store(true, ordering: .releasing) }
        #expect(started)
        for _ in 0..<500 where !ran.isSet { try await Task.sleep(for: .milliseconds(2)) }
        #expect(ran.isSet)
    }
}

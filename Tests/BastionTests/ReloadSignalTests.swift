import Synchronization
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ReloadSignalTests {
    private final class Counter: Sendable {
        let count = Atomic<Int>(0)
    }

    @Test func aSIGHUPRunsTheReloadInsteadOfEndingTheProcess() async throws {
        let counter = Counter()
        let reload = ReloadSignal { counter.count.add(1, ordering: .relaxed) }
        defer { reload.cancel() }
        // libdispatch registers the source asynchronously, and until then SIGHUP is ignored: send it
        // until the handler has run (bounded), rather than sleeping a fixed time.
        for _ in 0..<250 where counter.count.load(ordering: .relaxed) == 0 {
            kill(getpid(), SIGHUP)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(counter.count.load(ordering: .relaxed) >= 1)
    }
}

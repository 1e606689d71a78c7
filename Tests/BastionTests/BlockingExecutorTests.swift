import Synchronization
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct BlockingExecutorTests {
    private final class Log: Sendable {
        let events = Mutex<[String]>([])
        func add(_ event: String) { events.withLock { $0.append(event) } }
    }

    @Test func blockingJobsLeaveTheCooperativePoolFree() async {
        let log = Log()
        let executor = BlockingExecutor()
        // More blocked jobs than the machine has cores: on the cooperative pool they would starve it.
        let blockers = 2 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) + 2
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<blockers {
                group.addTask(executorPreference: executor) { () async -> Void in
                    usleep(300_000)
                    log.add("blocker \(index)")
                }
            }
            group.addTask { () async -> Void in
                usleep(20_000)  // after the blockers have started
                log.add("pool task")
            }
        }
        let events = log.events.withLock { $0 }
        #expect(events.count == blockers + 1)
        #expect(events.first == "pool task")
        #expect(await Self.threadsEnd(executor))
    }

    /// Threads end just after their last job completes: wait for it (bounded), do not race it.
    static func threadsEnd(_ executor: BlockingExecutor) async -> Bool {
        for _ in 0..<500 where executor.runningThreads > 0 { try? await Task.sleep(for: .milliseconds(2)) }
        return executor.runningThreads == 0
    }

    private final class Gauge: Sendable {
        let state = Mutex((running: 0, peak: 0))
        func enter() {
            state.withLock {
                $0.running += 1
                $0.peak = max($0.peak, $0.running)
            }
        }
        func leave() { state.withLock { $0.running -= 1 } }
    }

    @Test func theThreadLimitQueuesTheRest() async {
        let executor = BlockingExecutor(maximumThreads: 2)
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask(executorPreference: executor) { () async -> Void in
                    gauge.enter()
                    usleep(30_000)
                    gauge.leave()
                }
            }
        }
        #expect(gauge.state.withLock { $0.peak } == 2)
        #expect(await Self.threadsEnd(executor))
    }
}

import Dispatch
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
        let gate = DispatchSemaphore(value: 0)
        // More jobs blocked at once than the machine has cores, each until a task on the cooperative
        // pool releases it: if the jobs held pool threads, that task could never run (each job then
        // gives up after 30 s and says so; the bound is against a hang, generous for a loaded machine).
        let blockers = 2 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) + 2
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<blockers {
                group.addTask(executorPreference: executor) { () async -> Void in
                    log.add(gate.wait(timeout: .now() + 30) == .success ? "released" : "starved")
                }
            }
            group.addTask { () async -> Void in
                log.add("pool task")
                for _ in 0..<blockers { gate.signal() }
            }
        }
        let events = log.events.withLock { $0 }
        #expect(events.filter { $0 == "released" }.count == blockers)
        #expect(events.contains("pool task"))
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

import BastionProtocol
import BastionSystem
import Synchronization

/// Runs tool handlers that block their thread (file-system calls, walks of big trees) on threads of
/// their own, so they never hold Swift's cooperative pool, which has one thread per core and serves
/// every session's protocol work: a slow `directory_tree` must not delay anyone's `tools/list`.
///
/// Not a `DispatchQueue`: on Linux libdispatch does not add threads when its workers block, so a
/// concurrent queue runs only about as many blocking jobs at once as there are cores. Threads here
/// are started on demand, reused while jobs wait, and end when there is no work; at most
/// ``maximumThreads`` run at once and further jobs queue in order.
final class BlockingExecutor: TaskExecutor {
    private struct State {
        var running = 0
        var waiting: [UnownedJob] = []
    }

    /// The shared executor for blocking tool handlers.
    static let shared = BlockingExecutor()

    /// The most threads running jobs at once.
    let maximumThreads: Int
    private let state = Mutex(State())

    init(maximumThreads: Int = 64) {
        self.maximumThreads = max(1, maximumThreads)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let startsThread = state.withLock { state -> Bool in
            guard state.running < maximumThreads else {
                state.waiting.append(job)
                return false
            }
            state.running += 1
            return true
        }
        guard startsThread else { return }
        let executor = asUnownedTaskExecutor()
        let started = DetachedThread.start { [self] in work(first: job, on: executor) }
        if !started {
            // No thread could be made: run here rather than lose the job.
            work(first: job, on: executor)
        }
    }

    /// Runs `first`, then whatever queued meanwhile, and ends when nothing waits.
    private func work(first: UnownedJob, on executor: UnownedTaskExecutor) {
        var next: UnownedJob? = first
        while let job = next {
            job.runSynchronously(on: executor)
            next = state.withLock { state -> UnownedJob? in
                guard !state.waiting.isEmpty else {
                    state.running -= 1
                    return nil
                }
                return state.waiting.removeFirst()
            }
        }
    }

    /// Threads running jobs now (for tests).
    var runningThreads: Int { state.withLock { $0.running } }
}

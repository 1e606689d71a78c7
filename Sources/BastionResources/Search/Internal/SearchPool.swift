import BastionProtocol
import BastionSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reads and matches a search's files on a few threads while the caller walks the tree, and hands
/// the scans back in the order the files were submitted, so the result does not depend on timing.
///
/// Files go to the threads in batches and come back in batches, and a thread is woken only when
/// it waits: per file, the caller and the threads share no lock and no wake-up. At most
/// ``window`` files are outstanding (submitted, not yet taken back), which bounds the directories
/// the jobs keep open and the scans held in memory. Threads start with the first batch, up to the
/// worker count, and end when the pool is finished. When the caller has to wait, it scans a queued
/// file itself, so the search goes on even if no thread could be started.
final class SearchPool: @unchecked Sendable {
    // @unchecked: the `var`s declared after `mutex` are read and written only with it held;
    // `pending`, `ownScanner` and `unboundedScanner` only on the caller's thread; `stopped` is atomic.
    /// One file to scan.
    struct Job: Sendable {
        let directory: Descriptor
        let entry: DirectoryReader.Entry
        let path: String
    }

    /// A file and its scan (nil when it could not be opened; deferred when the budget was spent,
    /// see ``rescan(_:)``).
    struct Outcome: Sendable {
        let job: Job
        let scan: FileScan?
    }

    /// Bytes of lines the outstanding scans may hold together.
    static let heldBytesLimit = 32 << 20

    /// Search threads of the whole process at most: beyond, a search goes on with the threads it
    /// has, or on its caller's alone, rather than multiply threads with concurrent calls.
    static let maximumThreads = 16
    private static let runningThreads = Atomic(0)

    /// Files outstanding at most.
    let window: Int
    /// Files handed over (and taken back by a thread) at once.
    let batchSize: Int
    private let workers: Int
    private let files: FileSystemManager
    private let makeScanner: @Sendable (ScanBudget?) -> ContentScanner
    private let budget: ScanBudget
    private let shouldStop: @Sendable () -> Bool
    private let stopped = Atomic(false)
    /// Jobs the caller has not handed over yet.
    private var pending: [Job] = []
    /// The caller's own scanners, made the first time they are needed: one within the budget
    /// (helping the threads), one without (rescanning deferred files, one at a time).
    private var ownScanner: ContentScanner?
    private var unboundedScanner: ContentScanner?

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let workAvailable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let outcomesReady = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Jobs not yet taken by a thread; `queue[queueHead]` is the file numbered `queueHeadIndex`.
    private var queue: [Job] = []
    private var queueHead = 0
    private var queueHeadIndex = 0
    /// Outcomes by `index % window` (at most `window` files are outstanding).
    private var slots: [Outcome?]
    private var submitted = 0
    private var taken = 0
    private var threads = 0
    private var idleThreads = 0
    private var isCallerWaiting = false
    private var isClosed = false

    /// Creates a pool; no thread starts before the first batch.
    /// - Parameters:
    ///   - workers: Threads at most.
    ///   - window: Files outstanding at most.
    ///   - batchSize: Files handed over at once.
    ///   - heldBytes: Bytes of lines the outstanding scans may hold together.
    ///   - files: Opens each file (beneath its walked directory).
    ///   - makeScanner: Makes a scanner that holds lines within the budget given (nil: unbounded).
    ///   - shouldStop: Asked between chunks, from any thread: `true` ends the search.
    init(
        workers: Int,
        window: Int = 256,
        batchSize: Int = 16,
        heldBytes: Int = heldBytesLimit,
        files: FileSystemManager,
        makeScanner: @escaping @Sendable (ScanBudget?) -> ContentScanner,
        shouldStop: @escaping @Sendable () -> Bool
    ) {
        self.workers = max(1, workers)
        self.window = max(1, window)
        self.batchSize = min(max(1, batchSize), self.window)
        budget = ScanBudget(limit: heldBytes)
        self.files = files
        self.makeScanner = makeScanner
        self.shouldStop = shouldStop
        slots = Array(repeating: nil, count: self.window)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(workAvailable, &attributes)
        pthread_cond_init(outcomesReady, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(workAvailable)
        pthread_cond_destroy(outcomesReady)
        pthread_mutex_destroy(mutex)
        workAvailable.deallocate()
        outcomesReady.deallocate()
        mutex.deallocate()
    }

    /// Whether the search was told to stop, by ``stop()`` or by `shouldStop`.
    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Ends the search early: queued files are skipped and running scans end at their next check.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Queues a file; every ``batchSize`` files, hands them over, first waiting while the window is full.
    /// - Returns: The outcomes now ready, in submission order.
    func submit(_ job: Job) -> [Outcome] {
        pending.append(job)
        return pending.count >= batchSize ? flush() : []
    }

    /// Hands over what is pending, waits for every outstanding file (scanning queued ones itself)
    /// and lets the threads end.
    /// - Returns: The remaining outcomes, in submission order.
    func finish() -> [Outcome] {
        var ready = flush()
        lock()
        isClosed = true
        pthread_cond_broadcast(workAvailable)
        while taken < submitted {
            ready += takeReady()
            guard taken < submitted else { break }
            _ = checkStop()
            helpOrWait()
        }
        unlock()
        return ready
    }

    private func flush() -> [Outcome] {
        guard !pending.isEmpty else { return [] }
        lock()
        var ready = takeReady()
        while submitted + pending.count - taken > window, !checkStop() {
            helpOrWait()
            ready += takeReady()
        }
        // A stopped search needs no more files, and handing them over could overfill the window.
        guard !isStopped else {
            pending.removeAll()
            unlock()
            return ready
        }
        queue.append(contentsOf: pending)
        submitted += pending.count
        pending.removeAll(keepingCapacity: true)
        let startsThread = threads < workers && Self.reserveThread()
        if startsThread { threads += 1 }
        if idleThreads > 0 { pthread_cond_broadcast(workAvailable) }
        ready += takeReady()
        unlock()
        if startsThread, !DetachedThread.start({ [self] in work() }) {
            Self.runningThreads.subtract(1, ordering: .relaxed)
            lock()
            threads -= 1
            unlock()
        }
        return ready
    }

    /// Counts one more search thread, unless the process has ``maximumThreads`` already.
    private static func reserveThread() -> Bool {
        var current = runningThreads.load(ordering: .relaxed)
        while current < maximumThreads {
            let (exchanged, original) = runningThreads.compareExchange(
                expected: current,
                desired: current + 1,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    // MARK: - With the mutex held

    /// The consecutive outcomes ready from the next one to take.
    private func takeReady() -> [Outcome] {
        var ready: [Outcome] = []
        while taken < submitted, let outcome = slots[taken % window] {
            slots[taken % window] = nil
            ready.append(outcome)
            taken += 1
        }
        return ready
    }

    private func checkStop() -> Bool {
        if !isStopped, shouldStop() { stop() }
        return isStopped
    }

    /// Scans the next queued file on the caller's thread if there is one, else waits a little for
    /// an outcome (timed, so a cancellation is noticed even while a long scan runs elsewhere).
    private func helpOrWait() {
        let (first, jobs) = dequeue(atMost: 1)
        if !jobs.isEmpty {
            unlock()
            let scanner = ownScanner ?? makeScanner(budget)
            ownScanner = scanner
            // The caller's scans also stop on `shouldStop` itself: this thread sees the task's cancellation.
            let outcomes = jobs.map { run($0, with: scanner) { [self] in isStopped || shouldStop() } }
            lock()
            deliver(outcomes, from: first)
            return
        }
        guard threads > 0 else { return }
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_nsec += 20_000_000
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        isCallerWaiting = true
        pthread_cond_timedwait(outcomesReady, mutex, &deadline)
        isCallerWaiting = false
    }

    /// Takes up to `count` queued jobs; returns the number of the first one and the jobs.
    private func dequeue(atMost count: Int) -> (first: Int, jobs: [Job]) {
        let end = min(queue.count, queueHead + count)
        // A copy, not a slice: a slice would make the next append copy the whole queue.
        let jobs = Array(queue[queueHead..<end])
        let first = queueHeadIndex
        queueHeadIndex += jobs.count
        queueHead = end
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        return (first, jobs)
    }

    private func deliver(_ outcomes: [Outcome], from first: Int) {
        for (offset, outcome) in outcomes.enumerated() { slots[(first + offset) % window] = outcome }
        if isCallerWaiting { pthread_cond_signal(outcomesReady) }
    }

    private func lock() { pthread_mutex_lock(mutex) }
    private func unlock() { pthread_mutex_unlock(mutex) }

    // MARK: - Threads

    private func work() {
        let scanner = makeScanner(budget)
        lock()
        while true {
            // A share of what is queued, so the other threads (and the caller) get some too.
            let share = max(1, min(batchSize, (queue.count - queueHead) / (threads + 1)))
            let (first, jobs) = dequeue(atMost: share)
            guard !jobs.isEmpty else {
                if isClosed { break }
                idleThreads += 1
                pthread_cond_wait(workAvailable, mutex)
                idleThreads -= 1
                continue
            }
            unlock()
            // Only the pool's flag here: the caller turns `shouldStop` into it (between files and
            // while it waits), so threads do not contend for the request's state on every chunk.
            let outcomes = jobs.map { run($0, with: scanner) { [self] in isStopped } }
            lock()
            deliver(outcomes, from: first)
        }
        threads -= 1
        unlock()
        Self.runningThreads.subtract(1, ordering: .relaxed)
    }

    /// Opens and scans one file; no scan if it cannot be opened (hard-linked, vanished, unreadable).
    private func run(_ job: Job, with scanner: ContentScanner, shouldStop: () -> Bool) -> Outcome {
        guard !isStopped, let (file, info) = try? files.openRegularFile(job.entry, in: job.directory, path: job.path)
        else { return Outcome(job: job, scan: nil) }
        return Outcome(job: job, scan: scanner.scan(file.raw, size: Int(info.st_size), shouldStop: shouldStop))
    }

    // MARK: - The caller's thread

    /// Gives an outcome's lines back to the budget, once they are merged (or dropped).
    func release(_ outcome: Outcome) {
        budget.release(outcome.scan?.heldBytes ?? 0)
    }

    /// Scans a deferred file again on the caller's thread, without the budget: the search is at
    /// this file's turn, so only its lines and the merged ones are held, as in a single-threaded search.
    func rescan(_ job: Job) -> FileScan? {
        let scanner = unboundedScanner ?? makeScanner(nil)
        unboundedScanner = scanner
        return run(job, with: scanner) { [self] in isStopped || shouldStop() }.scan
    }
}

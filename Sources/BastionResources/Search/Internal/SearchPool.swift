import BastionProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reads and matches a search's files on a few threads while the caller walks the tree, and hands
/// the scans back in the order the files were submitted, so the result does not depend on timing.
///
/// At most ``window`` files are outstanding (submitted, not yet taken back): that bounds the open
/// directories the jobs keep alive and the scans held in memory. Threads start as jobs arrive, up
/// to the worker count, and end when the pool is finished. When the caller has to wait, it scans a
/// queued file itself, so the search goes on even if no thread could be started.
final class SearchPool: @unchecked Sendable {
    // @unchecked: every stored `var` is read and written only with `mutex` held; `stopped` is atomic.
    /// One file to scan.
    struct Job: Sendable {
        let directory: Descriptor
        let entry: DirectoryReader.Entry
        let path: String
    }

    /// Files outstanding at most.
    let window: Int
    private let workers: Int
    private let files: FileSystemManager
    private let makeScanner: @Sendable () -> ContentScanner
    private let shouldStop: @Sendable () -> Bool
    private let stopped = Atomic(false)

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [(index: Int, job: Job)] = []
    private var queueHead = 0
    private var scans: [Int: (path: String, scan: FileScan?)] = [:]
    private var submitted = 0
    private var taken = 0
    private var threads = 0
    private var isClosed = false
    /// The caller's own scanner, made the first time it helps (used by the caller's thread only).
    private var ownScanner: ContentScanner?

    /// Creates a pool; no thread starts before the first job.
    /// - Parameters:
    ///   - workers: Threads at most.
    ///   - window: Files outstanding at most.
    ///   - files: Opens each file (beneath its walked directory).
    ///   - makeScanner: Makes a thread's scanner.
    ///   - shouldStop: Asked between chunks, from any thread: `true` ends the search.
    init(
        workers: Int,
        window: Int = 64,
        files: FileSystemManager,
        makeScanner: @escaping @Sendable () -> ContentScanner,
        shouldStop: @escaping @Sendable () -> Bool
    ) {
        self.workers = max(1, workers)
        self.window = max(1, window)
        self.files = files
        self.makeScanner = makeScanner
        self.shouldStop = shouldStop
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(changed, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Whether the search was told to stop, by ``stop()`` or by `shouldStop`.
    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Ends the search early: queued files are skipped and running scans end at their next check.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Queues a file, first waiting while ``window`` files are outstanding.
    /// - Returns: The scans now ready, in order (nil for a file that could not be opened).
    func submit(_ job: Job) -> [(path: String, scan: FileScan?)] {
        lock()
        var ready = takeReady()
        while submitted - taken >= window, !checkStop() {
            if !helpOrWait() { break }
            ready += takeReady()
        }
        queue.append((submitted, job))
        submitted += 1
        let startsThread = threads < workers
        if startsThread { threads += 1 }
        pthread_cond_broadcast(changed)
        ready += takeReady()
        unlock()
        if startsThread, !DetachedThread.start({ [self] in work() }) {
            lock()
            threads -= 1
            unlock()
        }
        return ready
    }

    /// Waits for every outstanding file (scanning queued ones itself) and lets the threads end.
    /// - Returns: The remaining scans, in order.
    func finish() -> [(path: String, scan: FileScan?)] {
        lock()
        isClosed = true
        pthread_cond_broadcast(changed)
        var ready: [(path: String, scan: FileScan?)] = []
        while taken < submitted {
            ready += takeReady()
            guard taken < submitted else { break }
            _ = checkStop()
            _ = helpOrWait()
        }
        unlock()
        return ready
    }

    // MARK: - With the mutex held

    /// The consecutive scans ready from the next one to take.
    private func takeReady() -> [(path: String, scan: FileScan?)] {
        var ready: [(path: String, scan: FileScan?)] = []
        while let scan = scans.removeValue(forKey: taken) {
            ready.append(scan)
            taken += 1
        }
        if !ready.isEmpty { pthread_cond_broadcast(changed) }
        return ready
    }

    private func checkStop() -> Bool {
        if !isStopped, shouldStop() { stop() }
        return isStopped
    }

    /// Scans a queued file on the caller's thread if there is one, else waits a little for a
    /// change. Returns `false` if it did neither (nothing to wait for).
    private func helpOrWait() -> Bool {
        if let (index, job) = dequeue() {
            unlock()
            let scanner = ownScanner ?? makeScanner()
            let scan = run(job, with: scanner)
            lock()
            ownScanner = scanner
            deliver(scan, path: job.path, index: index)
            return true
        }
        guard threads > 0 else { return false }
        // Timed, so a cancellation is noticed even while a long scan runs elsewhere.
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_nsec += 20_000_000
        if deadline.tv_nsec >= 1_000_000_000 {
            deadline.tv_sec += 1
            deadline.tv_nsec -= 1_000_000_000
        }
        pthread_cond_timedwait(changed, mutex, &deadline)
        return true
    }

    private func dequeue() -> (Int, Job)? {
        guard queueHead < queue.count else { return nil }
        let next = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        return next
    }

    private func deliver(_ scan: FileScan?, path: String, index: Int) {
        scans[index] = (path, scan)
        pthread_cond_broadcast(changed)
    }

    private func lock() { pthread_mutex_lock(mutex) }
    private func unlock() { pthread_mutex_unlock(mutex) }

    // MARK: - Threads

    private func work() {
        let scanner = makeScanner()
        lock()
        while true {
            guard let (index, job) = dequeue() else {
                if isClosed { break }
                pthread_cond_wait(changed, mutex)
                continue
            }
            unlock()
            let scan = run(job, with: scanner)
            lock()
            deliver(scan, path: job.path, index: index)
        }
        threads -= 1
        unlock()
    }

    /// Opens and scans one file; nil if it cannot be opened (hard-linked, vanished, unreadable).
    private func run(_ job: Job, with scanner: ContentScanner) -> FileScan? {
        guard !isStopped, let (file, info) = try? files.openRegularFile(job.entry, in: job.directory, path: job.path)
        else { return nil }
        return scanner.scan(file.raw, size: Int(info.st_size)) { [self] in isStopped || shouldStop() }
    }
}

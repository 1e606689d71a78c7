public import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension FileSystemManager {
    /// Searches the text of an authorized file, or of every regular file beneath an authorized
    /// directory, for lines that match, like `grep -rn -E`: binary files are skipped, files that
    /// cannot be opened (hard-linked, vanished, unreadable) too.
    ///
    /// The caller's thread walks the tree (sorted, depth first, hiding what the client may not
    /// read); up to `query.workers` threads read and match the files, and the results are put
    /// together in walk order, so they are the same as a single thread's.
    /// - Parameters:
    ///   - target: An authorized file or directory (read access).
    ///   - client: The caller; entries its rules deny are hidden.
    ///   - query: What to match, and how much to report.
    ///   - maxEntries: Walk entries at most (the client's `list_entries` limit).
    ///   - isIncluded: Whether a file (by full path) is searched; called on the caller's thread.
    ///   - shouldStop: Asked between files and between chunks, from any thread: `true` (the call
    ///     was cancelled or is past its deadline) ends the search, which then reports `wasStopped`.
    /// - Returns: The matches, the grep-style text and counts.
    /// - Throws: ``FileSystemError`` when the target cannot be opened.
    public func searchContent(
        _ target: AuthorizedPath,
        client: ClientContext,
        query: ContentQuery,
        maxEntries: Int,
        including isIncluded: (String) -> Bool = { _ in true },
        shouldStop: @escaping @Sendable () -> Bool
    ) throws(FileSystemError) -> ContentSearchResult {
        var search = ContentSearch(maxResults: query.maxResults, contextLines: query.contextLines)
        let makeScanner: @Sendable (ScanBudget?) -> ContentScanner = { budget in
            ContentScanner(
                regex: query.regex,
                contextLines: query.contextLines,
                limit: query.maxResults,
                budget: budget
            )
        }
        if try status(target).0.st_mode & S_IFMT == S_IFREG {
            let (file, info) = try openRegularFile(target)
            let scan = makeScanner(nil).scan(file.raw, size: Int(info.st_size), shouldStop: shouldStop)
            search.add(scan, path: target.path)
            return search.result(wasStopped: shouldStop())
        }
        let pool = SearchPool(
            workers: query.workers,
            heldBytes: query.heldBytes,
            files: self,
            makeScanner: makeScanner,
            shouldStop: shouldStop
        )
        /// Merges outcomes in order; a deferred file is scanned again here, at its turn.
        func merge(_ outcomes: [SearchPool.Outcome]) {
            for outcome in outcomes {
                if !search.isFull {
                    let scan = outcome.scan?.isDeferred == true ? pool.rescan(outcome.job) : outcome.scan
                    search.add(scan, path: outcome.job.path)
                }
                pool.release(outcome)
            }
        }
        do {
            _ = try walk(target, client: client, maxEntries: maxEntries) { event in
                guard case .entry(let relative, let entry, let directory) = event, entry.kind == .file else {
                    return .proceed
                }
                let path = PathBytes.join(target.path, relative)
                guard isIncluded(path) else { return .proceed }
                merge(pool.submit(SearchPool.Job(directory: directory, entry: entry, path: path)))
                if search.isFull || shouldStop() { pool.stop() }
                return pool.isStopped ? .stop : .proceed
            }
        } catch {
            // The threads wait for more files until the pool is finished: end them before failing.
            pool.stop()
            _ = pool.finish()
            throw error
        }
        merge(pool.finish())
        // The pool is also stopped once the search is full: that is not a stop request.
        return search.result(wasStopped: pool.isStopped && !search.isFull)
    }
}

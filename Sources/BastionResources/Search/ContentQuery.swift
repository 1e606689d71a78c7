#if canImport(Glibc)
import Glibc
#endif

/// What `search_content` looks for, and how much of it.
public struct ContentQuery: Sendable {
    /// The expression each line is matched against.
    public var regex: LineRegex
    /// Lines shown before and after each match.
    public var contextLines: Int
    /// Matches after which the search ends.
    public var maxResults: Int
    /// Threads that read and match files while the caller's thread walks the tree.
    public var workers: Int
    /// Bytes of lines the scans ahead of the merge may hold together (tests make it small).
    var heldBytes = SearchPool.heldBytesLimit

    /// The default worker count: one per core but the one the walk keeps busy (the walking thread
    /// scans too when the workers fall behind), at least 1 and at most 4 (beyond that the walk,
    /// which is not split, is the bottleneck).
    public static var defaultWorkers: Int {
        min(4, max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1))
    }

    /// Creates a query.
    /// - Parameters:
    ///   - regex: The compiled expression.
    ///   - contextLines: Lines of context (negative counts as 0).
    ///   - maxResults: The most matches reported (at least 1).
    ///   - workers: Scanning threads (at least 1).
    public init(regex: LineRegex, contextLines: Int = 0, maxResults: Int = 100, workers: Int = defaultWorkers) {
        self.regex = regex
        self.contextLines = max(0, contextLines)
        self.maxResults = max(1, maxResults)
        self.workers = max(1, workers)
    }
}

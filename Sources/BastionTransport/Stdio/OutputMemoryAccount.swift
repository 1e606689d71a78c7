/// Where a sink counts the output it holds in memory for a slow reader: the process-wide memory
/// budget, so that answers piling up in one connection's queue hold back new large answers everywhere.
public protocol OutputMemoryAccount: Sendable {
    /// Counts bytes just queued (they exist already: this never waits).
    func charge(_ bytes: Int)
    /// Gives back bytes counted with ``charge(_:)`` once they are written or dropped.
    func refund(_ bytes: Int)
}

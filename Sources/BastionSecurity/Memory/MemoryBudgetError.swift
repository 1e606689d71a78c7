/// Why a ``MemoryBudget`` reservation was not granted.
public struct MemoryBudgetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, comparable across versions.
    public enum Code: Sendable, Hashable {
        /// The budget stayed full for the whole bounded wait: the caller should retry later.
        case busy
        /// The reservation is larger than the whole budget: it could never be granted.
        case tooLarge
        /// The waiting task was cancelled.
        case cancelled
    }

    /// The reason.
    public var code: Code
    /// One sentence for the client, naming the sizes involved.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func busy(bytes: Int, limit: Int, waited: Duration) -> MemoryBudgetError {
        MemoryBudgetError(
            .busy,
            "Server busy: \(MemoryBudget.mebibytes(bytes)) needed for this answer stayed unavailable for "
                + "\(waited) (the memory budget of \(MemoryBudget.mebibytes(limit)) is in use by other calls); "
                + "retry in a moment"
        )
    }

    static func tooLarge(bytes: Int, limit: Int) -> MemoryBudgetError {
        MemoryBudgetError(
            .tooLarge,
            "This answer needs \(MemoryBudget.mebibytes(bytes)), more than the server's whole memory budget of "
                + "\(MemoryBudget.mebibytes(limit)) ([server] memory_budget_mb); read a smaller file or part of it"
        )
    }

    static let cancelled = MemoryBudgetError(.cancelled, "The call was cancelled while waiting for memory")
}

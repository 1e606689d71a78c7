package import BastionProtocol
public import BastionSecurity

/// The process-wide memory budget as one request uses it: what the request reserves stays reserved
/// until its answer has been written (or dropped), then is released, whatever happens in between.
public struct AnswerMemory: Sendable {
    /// The budget; `nil` when none is configured (everything is granted).
    public let budget: MemoryBudget?
    /// The request the answer belongs to (`nil` for ``unlimited``).
    package let request: RequestContext?

    /// Creates the view of `budget` for one request.
    package init(budget: MemoryBudget?, request: RequestContext) {
        self.budget = budget
        self.request = request
    }

    private init() {
        self.budget = nil
        self.request = nil
    }

    /// No budget: every reservation is granted at once.
    public static let unlimited = AnswerMemory()

    /// Reserves `bytes` for this request's answer before it is read or encoded, waiting (bounded,
    /// cancellable) for room. The request holds the reservation and releases it after its answer is written.
    /// - Parameter bytes: The most the answer will hold in memory (its data and its encoding).
    /// - Throws: ``MemoryBudgetError``: `.busy` ("server busy, retry"), `.tooLarge` or `.cancelled`.
    public func reserve(_ bytes: Int) async throws(MemoryBudgetError) {
        guard let budget, let request else { return }
        request.holdUntilAnswered(try await budget.reserve(bytes))
    }

    /// ``reserve(_:)`` for a tool handler: a refusal becomes a ``ToolError`` the model can act on
    /// (an `isError` result), a cancellation a `CancellationError`.
    public func reserveForTool(_ bytes: Int) async throws {
        do {
            try await reserve(bytes)
        } catch {
            if error.code == .cancelled { throw CancellationError() }
            throw ToolError(error.message)
        }
    }
}

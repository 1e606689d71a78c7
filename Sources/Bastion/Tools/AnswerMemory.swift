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
        hold(try await reserveProvisionally(bytes))
    }

    /// ``reserve(_:)`` for a tool handler: a refusal becomes a ``ToolError`` the model can act on
    /// (an `isError` result), a cancellation a `CancellationError`.
    public func reserveForTool(_ bytes: Int) async throws {
        hold(try await reserveProvisionallyForTool(bytes))
    }

    /// Reserves `bytes` (waiting like ``reserve(_:)``) without tying them to the answer yet: the caller
    /// either keeps them for its answer with ``hold(_:)`` or releases them — to take a larger
    /// reservation instead, release this one first, so that no call ever waits while it holds budget.
    /// - Returns: The reservation; `nil` when there is no budget.
    /// - Throws: ``MemoryBudgetError`` as ``reserve(_:)``.
    public func reserveProvisionally(_ bytes: Int) async throws(MemoryBudgetError) -> MemoryReservation? {
        guard let budget, request != nil else { return nil }
        return try await budget.reserve(bytes)
    }

    /// ``reserveProvisionally(_:)`` for a tool handler, with the errors of ``reserveForTool(_:)``.
    public func reserveProvisionallyForTool(_ bytes: Int) async throws -> MemoryReservation? {
        do {
            return try await reserveProvisionally(bytes)
        } catch {
            if error.code == .cancelled { throw CancellationError() }
            throw ToolError(error.message)
        }
    }

    /// Keeps a reservation until this request's answer has been written (or dropped).
    public func hold(_ reservation: MemoryReservation?) {
        guard let reservation, let request else { return }
        request.holdUntilAnswered(reservation)
    }
}

import BastionProtocol

/// The outcome of the approval step of one tool call.
enum ApprovalVerdict: Sendable, Hashable {
    /// The client's policy does not ask for approval of this call.
    case notRequired
    /// A person allowed the call; `basis` is what the preview they saw was computed from (the call
    /// must not write if it no longer holds).
    case allowed(ApprovalChannel, basis: ApprovalBasis? = nil)
    /// The call must not run.
    case refused(ApprovalRefusal)
    /// 2026-07-28: the call is answered with this `input_required` result, which asks the person
    /// through the client; the client's retry carries the answer (``ApprovalManager/askThroughRetry``).
    case inputRequired(JSONValue)
    /// 2026-07-28: the request is answered with this error (-32021 without elicitation, -32602 for
    /// a `requestState` that does not hold).
    case failed(JSONRPCError)
}

/// Why a call that needed approval will not run.
struct ApprovalRefusal: Sendable, Hashable, Error {
    /// The kind of refusal, as recorded in the audit log's `approval` field.
    enum Kind: String, Sendable, Hashable {
        /// A person said no.
        case denied
        /// Nobody answered in time.
        case timeout
        /// The client cancelled the call while it waited.
        case cancelled
        /// The channel could not ask anyone (no elicitation support, no socket): fail closed.
        case unavailable
    }

    /// The kind of refusal.
    var kind: Kind
    /// The channel that was asked.
    var channel: ApprovalChannel
    /// The reason, in words for the model ("declined through the client").
    var reason: String

    /// The `isError` text the model reads.
    /// - Parameter tool: The tool's name.
    func message(tool: String) -> String {
        "The call to \(tool) was not approved: \(reason)"
    }
}

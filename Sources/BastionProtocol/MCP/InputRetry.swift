/// What a 2026-07-28 retry of a request carries after an `input_required` result
/// (basic/patterns/mrtr.mdx): the client's answers by input key, and the server's `requestState`
/// echoed back. Both are the client's word: the state is opened and checked before anything in
/// the answers counts.
public struct InputRetry: Sendable, Hashable {
    /// `params.inputResponses`, when it is an object.
    public var responses: [String: JSONValue]?
    /// `params.requestState`, as sent (checked by whoever sealed it).
    public var state: JSONValue?

    /// Reads a request's params (`nil` members when the request is not a retry).
    public init(params: JSONValue?) {
        if case .object(let answers)? = params?["inputResponses"] { responses = answers }
        state = params?["requestState"]
    }

    /// Creates a retry from its parts.
    public init(responses: [String: JSONValue]? = nil, state: JSONValue? = nil) {
        self.responses = responses
        self.state = state
    }

    /// Whether the request carries a `requestState`.
    public var isRetry: Bool { state != nil }
}

extension MCPSession {
    /// A root the client offers (`roots/list`): a `file://` URI and an optional name.
    public struct Root: Sendable, Hashable {
        /// The root's URI.
        public var uri: String
        /// Its display name.
        public var name: String?
    }

    /// The client's answer to `elicitation/create`.
    public enum ElicitationAnswer: Sendable, Hashable {
        /// The person accepted and filled the form.
        case accept([String: JSONValue])
        /// The person refused.
        case decline
        /// The person dismissed the request.
        case cancel
    }

    /// Asks the client for its roots (roots.mdx). Only for clients that declared `roots`.
    /// - Throws: -32601 when the client did not declare the capability; the client's error or a timeout.
    public func listRoots(timeout: Duration? = nil) async throws(JSONRPCError) -> [Root] {
        guard clientInfo?.supportsRoots == true else {
            throw .methodNotFound("roots/list (not declared by the client)")
        }
        let result = try await sendRequest(method: "roots/list", timeout: timeout)
        guard let roots = result["roots"]?.arrayValue else {
            throw .invalidParams("the client's roots/list answer has no roots")
        }
        return roots.compactMap { root in
            guard let uri = root["uri"]?.stringValue else { return nil }
            return Root(uri: uri, name: root["name"]?.stringValue)
        }
    }

    /// Asks the person behind the client a question through `elicitation/create` (2025-06-18+).
    /// - Parameters:
    ///   - message: What is being asked, in plain words.
    ///   - requestedSchema: A flat object schema of primitive properties.
    ///   - timeout: Longest wait.
    ///   - meta: The request's `_meta` (the related task of a task-augmented call).
    /// - Throws: -32601 when the client or the negotiated version lacks elicitation; the client's
    ///   error or a timeout.
    public func elicit(
        message: String,
        requestedSchema: JSONValue,
        timeout: Duration? = nil,
        meta: JSONValue? = nil
    ) async throws(JSONRPCError)
        -> ElicitationAnswer
    {
        guard negotiatedVersion?.hasElicitation == true, clientInfo?.supportsElicitation == true else {
            throw .methodNotFound("elicitation/create (not available with this client)")
        }
        var params: [String: JSONValue] = ["message": .string(message), "requestedSchema": requestedSchema]
        if let meta { params["_meta"] = meta }
        let result = try await sendRequest(method: "elicitation/create", params: .object(params), timeout: timeout)
        switch result["action"]?.stringValue {
        case "accept": return .accept(result["content"]?.objectValue ?? [:])
        case "decline": return .decline
        case "cancel": return .cancel
        default: throw .invalidParams("the client's elicitation answer has no valid action")
        }
    }
}

/// One JSON-RPC 2.0 message, in either direction.
public enum JSONRPCMessage: Sendable, Hashable {
    /// A call that expects a response.
    case request(id: RequestID, method: String, params: JSONValue?)
    /// A one-way message; it never gets a reply.
    case notification(method: String, params: JSONValue?)
    /// A successful answer.
    case response(id: RequestID, result: JSONValue)
    /// A failed answer; `id` is `nil` when the request's id could not be read.
    case errorResponse(id: RequestID?, error: JSONRPCError)

    /// The message as a JSON object, ready for ``JSONWriter``.
    public var json: JSONValue {
        switch self {
        case .request(let id, let method, let params):
            var members: [String: JSONValue] = ["jsonrpc": "2.0", "id": id.json, "method": .string(method)]
            if let params { members["params"] = params }
            return .object(members)
        case .notification(let method, let params):
            var members: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
            if let params { members["params"] = params }
            return .object(members)
        case .response(let id, let result):
            return ["jsonrpc": "2.0", "id": id.json, "result": result]
        case .errorResponse(let id, let error):
            return ["jsonrpc": "2.0", "id": id?.json ?? .null, "error": error.json]
        }
    }
}

extension JSONRPCMessage {
    /// Reads one message from a parsed JSON value.
    ///
    /// - Parameter json: One element: an object (a batch array is split by the caller).
    /// - Returns: The message, or the error to answer with and the id it belongs to, if readable.
    public static func decode(_ json: JSONValue) -> Result<JSONRPCMessage, DecodingFailure> {
        guard case .object(let members) = json else {
            return .failure(DecodingFailure(id: nil, error: .invalidRequest("a message must be a JSON object")))
        }
        let rawID = members["id"]
        let id = rawID.flatMap(RequestID.init(json:))
        guard members["jsonrpc"] == .string("2.0") else {
            return .failure(DecodingFailure(id: id, error: .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
        }
        if rawID == .null, members["method"] == nil, let error = members["error"] {
            // A peer reporting an error it could not tie to a request (e.g. our unparsable message).
            return decodeErrorObject(error, id: nil)
        }
        if let rawID, id == nil {
            let detail = rawID.isNull ? "\"id\" must not be null" : "\"id\" must be a string or an integer"
            return .failure(DecodingFailure(id: nil, error: .invalidRequest(detail)))
        }
        if let method = members["method"] {
            return decodeCall(id: id, method: method, params: members["params"])
        }
        guard let id else {
            return .failure(DecodingFailure(id: nil, error: .invalidRequest("a message needs \"method\" or \"id\"")))
        }
        return decodeResponse(id: id, members: members)
    }

    private static func decodeCall(
        id: RequestID?,
        method: JSONValue,
        params: JSONValue?
    ) -> Result<JSONRPCMessage, DecodingFailure> {
        guard case .string(let name) = method, !name.isEmpty else {
            return .failure(DecodingFailure(id: id, error: .invalidRequest("\"method\" must be a non-empty string")))
        }
        if let params {
            switch params {
            case .object, .array: break
            default:
                return .failure(
                    DecodingFailure(id: id, error: .invalidRequest("\"params\" must be an object or an array"))
                )
            }
        }
        if let id { return .success(.request(id: id, method: name, params: params)) }
        return .success(.notification(method: name, params: params))
    }

    private static func decodeResponse(
        id: RequestID,
        members: [String: JSONValue]
    ) -> Result<JSONRPCMessage, DecodingFailure> {
        switch (members["result"], members["error"]) {
        case (let result?, nil):
            return .success(.response(id: id, result: result))
        case (nil, let error?):
            return decodeErrorObject(error, id: id)
        default:
            return .failure(
                DecodingFailure(id: id, error: .invalidRequest("a response needs exactly one of result or error"))
            )
        }
    }

    private static func decodeErrorObject(_ error: JSONValue, id: RequestID?) -> Result<JSONRPCMessage, DecodingFailure>
    {
        guard let code = error["code"]?.intValue, let message = error["message"]?.stringValue else {
            return .failure(DecodingFailure(id: id, error: .invalidRequest("malformed \"error\" object")))
        }
        let rpcError = JSONRPCError(code: Int(clamping: code), message: message, data: error["data"])
        return .success(.errorResponse(id: id, error: rpcError))
    }
}

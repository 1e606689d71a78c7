/// A JSON-RPC error object: the protocol-level failure of one request.
public struct JSONRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The numeric code, from JSON-RPC 2.0 or MCP.
    public var code: Int
    /// A short, payload-free sentence for the client.
    public var message: String
    /// Optional structured detail.
    public var data: JSONValue?

    /// Creates an error object.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "\(code) \(message)" }

    /// The error as the `error` member of a response.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }
}

extension JSONRPCError {
    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// MCP: `resources/read` of a URI the server does not know.
    public static let resourceNotFoundCode = -32002

    /// -32700: the bytes are not JSON.
    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }

    /// -32600: JSON, but not a valid request.
    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid request: \(detail)")
    }

    /// -32601: the method does not exist or its capability was not declared.
    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(method)")
    }

    /// -32602: the params do not fit the method.
    public static func invalidParams(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(detail)")
    }

    /// -32603: the server failed; the detail must not leak internals.
    public static func internalError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: internalErrorCode, message: "Internal error: \(detail)")
    }

    /// -32002: unknown resource, with the URI in `data` as the MCP specification shows.
    public static func resourceNotFound(_ uri: String) -> JSONRPCError {
        JSONRPCError(code: resourceNotFoundCode, message: "Resource not found", data: ["uri": .string(uri)])
    }
}

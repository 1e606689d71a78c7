public import BastionProtocol

/// A request the HTTP transport answers with an error status: its status, why (for the client,
/// never a secret), and the JSON-RPC error its body carries where the specification wants one.
public struct HTTPRefusal: Error, Sendable {
    /// The HTTP status (400, 401, 403, 404, 405, 406, 413, 415, 421, 429, 503).
    public var status: Int
    /// The JSON-RPC error of the body; `nil` for a plain-text body.
    public var error: JSONRPCError?
    /// Extra response header fields (`WWW-Authenticate`, `Allow`, `Retry-After`).
    public var headers: [(name: String, value: String)]
    /// The client refused, when it was authenticated before the refusal (429): for the audit.
    public var clientID: String?

    /// Creates a refusal with a JSON-RPC error body.
    public init(status: Int, error: JSONRPCError, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.error = error
        self.headers = headers
    }

    /// Creates a refusal whose JSON-RPC error is `code` with `message`.
    public init(status: Int, code: Int, message: String, headers: [(name: String, value: String)] = []) {
        self.init(status: status, error: JSONRPCError(code: code, message: message), headers: headers)
    }

    /// The body: the JSON-RPC error (id null), or nothing.
    var jsonBody: [UInt8] {
        var bytes: [UInt8] = []
        if let error { JSONWriter.write(JSONRPCMessage.errorResponse(id: nil, error: error).json, into: &bytes) }
        return bytes
    }

    /// 401: no acceptable credentials. The body says only that; the server's audit says why.
    public static func unauthorized(headers: [(name: String, value: String)] = []) -> HTTPRefusal {
        HTTPRefusal(status: 401, code: JSONRPCError.invalidRequestCode, message: "unauthorized", headers: headers)
    }

    /// 405, with the methods the endpoint takes.
    public static func methodNotAllowed(allow: String) -> HTTPRefusal {
        HTTPRefusal(
            status: 405,
            code: JSONRPCError.invalidRequestCode,
            message: "this endpoint takes \(allow)",
            headers: [(name: "Allow", value: allow)]
        )
    }

    /// 404 for a session that ended, never existed, or is another client's: the same answer.
    static let sessionNotFound = HTTPRefusal(
        status: 404,
        code: JSONRPCError.invalidRequestCode,
        message: "session not found: it ended, or it never existed; initialize again"
    )

    /// 500: what the transport did not foresee (never a detail).
    static let internalError = HTTPRefusal(
        status: 500,
        code: JSONRPCError.internalErrorCode,
        message: "internal error"
    )

    /// 503: the server is shutting down.
    public static let unavailable = HTTPRefusal(
        status: 503,
        code: JSONRPCError.internalErrorCode,
        message: "the server is shutting down"
    )
}

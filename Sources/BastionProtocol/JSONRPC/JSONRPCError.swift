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
    /// MCP: `resources/read` of a URI the server does not know (handshake era only; 2026-07-28
    /// answers -32602 instead).
    public static let resourceNotFoundCode = -32002
    /// 2026-07-28: an HTTP header disagrees with the body (or is missing or malformed).
    public static let headerMismatchCode = -32020
    /// 2026-07-28: the request needs a client capability its `_meta` did not declare.
    public static let missingRequiredClientCapabilityCode = -32021
    /// 2026-07-28: the request's protocol version is not one the server speaks.
    public static let unsupportedProtocolVersionCode = -32022

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

    /// -32022 with the modern versions this server speaks and the one asked for (versioning.mdx).
    public static func unsupportedProtocolVersion(requested: String) -> JSONRPCError {
        let supported = ProtocolVersion.modernVersions.map { JSONValue.string($0.rawValue) }
        return JSONRPCError(
            code: unsupportedProtocolVersionCode,
            message: "Unsupported protocol version: \(DisplayText.escaped(requested, maxBytes: 64)); "
                + "this server speaks \(ProtocolVersion.modernVersions.map(\.rawValue).joined(separator: ", ")) "
                + "without initialize",
            data: ["supported": .array(supported), "requested": .string(bytePrefix(requested, 128))]
        )
    }

    /// -32021: the capabilities this request declared lack `capabilities` (a JSON object of them).
    public static func missingRequiredClientCapability(_ capabilities: JSONValue, detail: String) -> JSONRPCError {
        JSONRPCError(
            code: missingRequiredClientCapabilityCode,
            message: "Missing required client capability: \(detail)",
            data: ["requiredCapabilities": capabilities]
        )
    }

    /// -32020: an HTTP header and the JSON-RPC body disagree.
    public static func headerMismatch(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: headerMismatchCode, message: "Header mismatch: \(detail)")
    }

    /// At most `limit` UTF-8 bytes of `text`, cut between scalars: a client's string echoed back
    /// is bounded in bytes, not in characters (one character may carry any number of combining
    /// marks; review 13, finding 2).
    static func bytePrefix(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var cut = String(decoding: text.utf8.prefix(limit), as: UTF8.self)
        if cut.unicodeScalars.last == "\u{FFFD}" { cut.unicodeScalars.removeLast() }
        return cut
    }
}

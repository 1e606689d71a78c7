/// The HTTP headers of a 2026-07-28 Streamable HTTP request that mirror its body
/// (transports/streamable-http.mdx, "Request Metadata"), and their check against the body.
///
/// No I/O: the HTTP transport hands over the header fields as received, and a request whose
/// headers disagree with its body is refused with -32020 before anything runs. The headers are
/// what a load balancer or gateway may have routed on, so a request that says one thing in its
/// headers and another in its body never reaches a handler ("different sources of truth").
public struct MCPRequestHeaders: Sendable, Hashable {
    /// The fields Bastion checks, by lower-cased name; more than one of a name is kept to be refused.
    private var fields: [String: [String]] = [:]

    /// The header names, lower-cased.
    public enum Name {
        public static let protocolVersion = "mcp-protocol-version"
        public static let method = "mcp-method"
        public static let name = "mcp-name"
    }

    /// Methods whose `Mcp-Name` is required, and the body field it mirrors.
    static let namedBy: [String: String] = ["tools/call": "name", "prompts/get": "name", "resources/read": "uri"]

    /// Keeps the header fields this check concerns (names compared case-insensitively); others
    /// (`Mcp-Param-*` included: no tool of Bastion declares `x-mcp-header`) are not looked at.
    /// - Parameter fields: The request's header fields in order, names as received.
    public init(_ fields: [(name: String, value: String)]) {
        for (name, value) in fields {
            let lowered = Self.lowercasedASCII(name)
            guard lowered == Name.protocolVersion || lowered == Name.method || lowered == Name.name else { continue }
            self.fields[lowered, default: []].append(value)
        }
    }

    /// The first `MCP-Protocol-Version` header, `nil` when there is none: the transport routes
    /// on it (a legacy version or none to the handshake-era endpoint).
    public var protocolVersion: String? { fields[Name.protocolVersion]?.first }

    /// Whether `MCP-Protocol-Version` came more than once: the transport routes such a request to
    /// the 2026-07-28 path, whose check refuses it (-32020), never to the legacy one, where a
    /// repeated header would go unchecked.
    public var isProtocolVersionRepeated: Bool { (fields[Name.protocolVersion]?.count ?? 0) > 1 }

    /// Checks the headers against a modern request's body.
    /// - Throws: -32020 (HeaderMismatch) naming the first header that is missing, repeated, holds
    ///   a character a header value may not, cannot be decoded, or disagrees with the body.
    public func validate(method: String, params: JSONValue?) throws(JSONRPCError) {
        let version = params?["_meta"]?[ModernEnvelope.Key.protocolVersion]?.stringValue
        try expect(Name.protocolVersion, "MCP-Protocol-Version", equals: version, encoded: false)
        try expect(Name.method, "Mcp-Method", equals: method, encoded: false)
        if let field = Self.namedBy[method] {
            guard let value = params?[field]?.stringValue else {
                throw .headerMismatch(
                    "the body of \(method) has no \"params.\(field)\" for the Mcp-Name header to match"
                )
            }
            try expect(Name.name, "Mcp-Name", equals: value, encoded: true)
        }
    }

    /// The one value of `name`, decoded, equal to `body`.
    private func expect(_ name: String, _ display: String, equals body: String?, encoded: Bool) throws(JSONRPCError) {
        guard let values = fields[name], !values.isEmpty else {
            throw .headerMismatch("the \(display) header is missing")
        }
        guard values.count == 1 else { throw .headerMismatch("the \(display) header is repeated") }
        guard Self.isValidFieldValue(values[0]) else {
            throw .headerMismatch("the \(display) header holds a character a header value may not")
        }
        let value: String
        if encoded, let decoded = Self.decodedSentinel(values[0]) {
            guard let text = decoded else {
                throw .headerMismatch("the \(display) header is not valid base64 of UTF-8")
            }
            value = text
        } else {
            value = values[0]
        }
        // Compared as bytes: header values are case-sensitive, and a name is never normalised.
        guard let body, value.utf8.elementsEqual(body.utf8) else {
            throw .headerMismatch("the \(display) header does not match the body")
        }
    }

    /// `nil` when `value` is not in the sentinel form `=?base64?…?=`; else its decoded text, or
    /// `.some(nil)` when the base64 or the UTF-8 inside is invalid.
    static func decodedSentinel(_ value: String) -> String?? {
        let bytes = Array(value.utf8)
        let prefix = Array("=?base64?".utf8)
        let suffix = Array("?=".utf8)
        guard bytes.count >= prefix.count + suffix.count, bytes.starts(with: prefix),
            bytes.suffix(2).elementsEqual(suffix)
        else { return nil }
        guard let decoded = StrictBase64.decode(bytes: bytes[prefix.count..<(bytes.count - suffix.count)]) else {
            return .some(nil)
        }
        return .some(String(validating: decoded, as: UTF8.self))
    }

    /// RFC 9110 §5.5: visible ASCII, space and tab (the parser has already stripped the edges).
    static func isValidFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }
    }

    private static func lowercasedASCII(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The HTTP status of an answer on the modern endpoint (streamable-http.mdx; the Python SDK
    /// agrees): 400 for malformed requests, bad params, header mismatches, missing capabilities
    /// and unsupported versions; 404 for an unknown method; 200 for a result or any other error.
    public static func httpStatus(forErrorCode code: Int?) -> Int {
        switch code {
        case JSONRPCError.parseErrorCode?, JSONRPCError.invalidRequestCode?, JSONRPCError.invalidParamsCode?,
            JSONRPCError.headerMismatchCode?, JSONRPCError.missingRequiredClientCapabilityCode?,
            JSONRPCError.unsupportedProtocolVersionCode?:
            return 400
        case JSONRPCError.methodNotFoundCode?: return 404
        default: return 200
        }
    }
}

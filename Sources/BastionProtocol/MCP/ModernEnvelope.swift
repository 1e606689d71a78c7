/// What a 2026-07-28 request says about its sender in `params._meta`: the revision, the client's
/// capabilities and self-description for this request alone (basic/index.mdx, "Statelessness").
///
/// Nothing here is inferred from an earlier request, and nothing here is trusted for a security
/// decision: the client info is what the client claims (it goes to the audit record as such).
public struct ModernEnvelope: Sendable, Hashable {
    /// `io.modelcontextprotocol/protocolVersion`: a modern revision Bastion speaks.
    public var version: ProtocolVersion
    /// `io.modelcontextprotocol/clientCapabilities` and `…/clientInfo`, as sent with this request.
    public var client: ClientInfo
    /// `io.modelcontextprotocol/logLevel`: the lowest level of `notifications/message` this request
    /// wants; `nil` means none at all (logging.mdx).
    public var logLevel: LogLevel?
    /// `_meta.progressToken`, when the request asks for progress (a string or an integer).
    public var progressToken: JSONValue?

    /// The `_meta` keys of the revision.
    public enum Key {
        public static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
        public static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
        public static let clientInfo = "io.modelcontextprotocol/clientInfo"
        public static let logLevel = "io.modelcontextprotocol/logLevel"
        public static let serverInfo = "io.modelcontextprotocol/serverInfo"
    }

    /// Whether a request carries the 2026-07-28 envelope (its `_meta` names a protocol version);
    /// `initialize` never does, whatever it holds.
    public static func isPresent(method: String, params: JSONValue?) -> Bool {
        meta(method: method, params: params) != nil
    }

    /// The request's `_meta` when it is a 2026-07-28 envelope (``isPresent(method:params:)``),
    /// looked up once for both the era check and ``init(meta:)``: this runs on every request.
    public static func meta(method: String, params: JSONValue?) -> [String: JSONValue]? {
        guard method != "initialize", case .object(let meta)? = params?["_meta"], meta[Key.protocolVersion] != nil
        else { return nil }
        return meta
    }

    /// Reads and checks the envelope of a request's params.
    /// - Throws: -32602 when a required key is missing or malformed, -32022 for a version that is
    ///   not a 2026-07-28-era one.
    public init(params: JSONValue?) throws(JSONRPCError) {
        guard case .object(let meta)? = params?["_meta"] else {
            throw .invalidParams("\"_meta\".\"\(Key.protocolVersion)\" must be a string")
        }
        try self.init(meta: meta)
    }

    /// Reads and checks an envelope from the request's `_meta` object.
    /// - Throws: As ``init(params:)``.
    public init(meta: [String: JSONValue]) throws(JSONRPCError) {
        guard case .string(let requested)? = meta[Key.protocolVersion] else {
            throw .invalidParams("\"_meta\".\"\(Key.protocolVersion)\" must be a string")
        }
        // The version every modern client sends, without the string switch of `init(rawValue:)`.
        let known = requested == ProtocolVersion.v2026_07_28.rawValue ? .v2026_07_28 : ProtocolVersion(rawValue: requested)
        guard let version = known, version.isModern else {
            throw .unsupportedProtocolVersion(requested: requested)
        }
        guard case .object(let capabilities)? = meta[Key.clientCapabilities] else {
            throw .invalidParams("\"_meta\".\"\(Key.clientCapabilities)\" must be an object (every request carries it)")
        }
        let info = meta[Key.clientInfo]
        var logLevel: LogLevel?
        if let level = meta[Key.logLevel] {
            guard let name = level.stringValue, let parsed = LogLevel(rawValue: name) else {
                let names = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidParams("\"_meta\".\"\(Key.logLevel)\" must be one of \(names)")
            }
            logLevel = parsed
        }
        self.version = version
        self.client = ClientInfo(
            name: info?["name"]?.stringValue ?? "unknown",
            version: info?["version"]?.stringValue ?? "unknown",
            capabilities: capabilities
        )
        self.logLevel = logLevel
        switch meta["progressToken"] {
        case .string(let token)?: self.progressToken = .string(token)
        case .int(let token)?: self.progressToken = .int(token)
        default: self.progressToken = nil
        }
    }
}

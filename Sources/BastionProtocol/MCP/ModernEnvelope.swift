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

    /// The `_meta` keys of the revision.
    public enum Key {
        public static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
        public static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
        public static let clientInfo = "io.modelcontextprotocol/clientInfo"
        public static let logLevel = "io.modelcontextprotocol/logLevel"
        public static let serverInfo = "io.modelcontextprotocol/serverInfo"
    }

    /// Whether a request is a modern one: its `_meta` has the protocol-version key and it is not
    /// `initialize` (what the Python SDK checks too). Notifications carry no envelope.
    public static func isPresent(method: String, params: JSONValue?) -> Bool {
        method != "initialize" && params?["_meta"]?[Key.protocolVersion] != nil
    }

    /// Reads the envelope of a request for which ``isPresent(method:params:)`` holds.
    /// - Throws: -32602 for a missing or mistyped key or level, -32022 for a version this server
    ///   does not speak on the modern path (with `data.supported` and `data.requested`).
    public init(params: JSONValue?) throws(JSONRPCError) {
        // One lookup of `_meta`, then one per key in its own dictionary (this runs on every request).
        guard case .object(let meta)? = params?["_meta"], case .string(let requested)? = meta[Key.protocolVersion]
        else {
            throw .invalidParams("\"_meta\".\"\(Key.protocolVersion)\" must be a string")
        }
        guard let version = ProtocolVersion(rawValue: requested), version.isModern else {
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
    }
}

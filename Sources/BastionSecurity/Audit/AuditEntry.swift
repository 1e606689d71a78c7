public import BastionProtocol

/// One audit record before the logger numbers and stamps it.
public struct AuditEntry: Sendable {
    /// What the record is about: `request`, `start`, `stop`, `auth-failure`, …
    public var event: String
    /// The client id, when known.
    public var client: String?
    /// The transport (`stdio`, …).
    public var transport: String?
    /// The session id.
    public var session: String?
    /// The JSON-RPC method.
    public var method: String?
    /// The request id as sent.
    public var requestID: JSONValue?
    /// Extra fields (`tool`, `args`, `decision`, `permission`, `outcome`, `duration_us`, …).
    public var fields: [String: JSONValue]

    /// Creates an entry.
    public init(
        event: String,
        client: String? = nil,
        transport: String? = nil,
        session: String? = nil,
        method: String? = nil,
        requestID: JSONValue? = nil,
        fields: [String: JSONValue] = [:]
    ) {
        self.event = event
        self.client = client
        self.transport = transport
        self.session = session
        self.method = method
        self.requestID = requestID
        self.fields = fields
    }

    /// Whether a named part (rather than `fields`) gives the member `key`.
    func names(_ key: String) -> Bool {
        switch key {
        case "event": return true
        case "client": return client != nil
        case "transport": return transport != nil
        case "session": return session != nil
        case "method": return method != nil
        case "id": return requestID != nil
        default: return false
        }
    }

    /// The record's JSON members, without `seq` and `ts` (the logger adds those).
    func members() -> [String: JSONValue] {
        var members = fields
        members["event"] = .string(event)
        if let client { members["client"] = .string(client) }
        if let transport { members["transport"] = .string(transport) }
        if let session { members["session"] = .string(session) }
        if let method { members["method"] = .string(method) }
        if let requestID { members["id"] = requestID }
        return members
    }
}

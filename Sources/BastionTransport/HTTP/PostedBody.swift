import BastionProtocol

/// What a handshake-era POST holds, read before the session does: the ids of its requests
/// (the answers its response stream waits for) and whether it is an `initialize`.
struct PostedBody: Sendable, Hashable {
    /// The ids of the requests in it (a 2025-03-26 batch may hold several).
    var requestIDs: [RequestID]
    /// Whether it is one `initialize` request (which opens a session).
    var isInitialize: Bool
    /// The messages in it: a batch's every element (requests, notifications, answers and
    /// malformed members alike — each is handled and recorded), else 1.
    var messageCount: Int

    /// Reads `body`; `nil` when it is not JSON (the transport answers -32700 itself).
    init?(_ body: [UInt8]) {
        guard let json = try? JSONParser.parse(body) else { return nil }
        switch json {
        case .array(let elements):
            requestIDs = elements.compactMap(Self.requestID)
            isInitialize = false
            messageCount = max(1, elements.count)
        default:
            requestIDs = Self.requestID(json).map { [$0] } ?? []
            isInitialize = json["method"]?.stringValue == "initialize" && !requestIDs.isEmpty
            messageCount = 1
        }
    }

    /// The id of a request (an object with a method and an id); `nil` for anything else.
    private static func requestID(_ element: JSONValue) -> RequestID? {
        guard element["method"]?.stringValue != nil, let id = element["id"] else { return nil }
        return RequestID(json: id)
    }
}

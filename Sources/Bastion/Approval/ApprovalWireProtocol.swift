package import BastionProtocol

/// The local approval socket's protocol: one JSON object per line each way, then the server closes.
///
/// Requests: `{"op":"list"}`, `{"op":"show","id":"k3f9qa"}`, `{"op":"allow","id":"k3f9qa"}`,
/// `{"op":"deny","id":"k3f9qa","reason":"…"}`. Answers: `{"ok":true,…}` (`pending` for `list`;
/// `request`, with its whole `preview` (at most ``ApprovalPreview/maximumBytes``), for `show`; `id`,
/// `client`, `tool` for `allow`/`deny`) or `{"ok":false,"error":"…"}`. Anything else — not JSON, not an object, an unknown `op` or member,
/// a line over ``maxRequestBytes`` — is refused with an error answer.
package enum ApprovalWireProtocol {
    /// The longest request line accepted; real requests are under 1 KiB.
    package static let maxRequestBytes = 4096
    /// The longest answer line a client accepts: a `show` whose preview is the largest shown
    /// (``ApprovalPreview/maximumBytes``, which JSON escaping may double) with its description.
    package static let maxResponseBytes = 2 * ApprovalPreview.maximumBytes + (4 << 20)
    /// The longest `reason` kept from a `deny`.
    static let maxReasonCharacters = 300

    /// `{"op":"list"}`.
    package static let listRequest: JSONValue = ["op": "list"]

    /// `{"op":"show","id":…}`.
    /// - Parameter id: The pending request's id.
    package static func showRequest(id: String) -> JSONValue { ["op": "show", "id": .string(id)] }

    /// `{"op":"allow","id":…}`.
    /// - Parameter id: The pending request's id.
    package static func allowRequest(id: String) -> JSONValue { ["op": "allow", "id": .string(id)] }

    /// `{"op":"deny","id":…,"reason":…}`.
    /// - Parameters:
    ///   - id: The pending request's id.
    ///   - reason: Why, shown to the model.
    package static func denyRequest(id: String, reason: String?) -> JSONValue {
        var members: [String: JSONValue] = ["op": "deny", "id": .string(id)]
        if let reason { members["reason"] = .string(reason) }
        return .object(members)
    }

    /// An error answer.
    static func failure(_ message: String) -> JSONValue { ["ok": false, "error": .string(message)] }

    /// The answer to a line longer than ``maxRequestBytes``.
    static let tooLong = failure("request line longer than \(maxRequestBytes) bytes")

    /// The answer to one request line.
    /// - Parameters:
    ///   - line: The line, without its newline.
    ///   - pending: The server's waiting calls.
    ///   - pid: The server's process id, reported by `list`.
    /// - Returns: The answer object.
    static func respond(to line: [UInt8], pending: PendingApprovals, pid: Int32) -> JSONValue {
        guard line.count <= maxRequestBytes else { return tooLong }
        let request: JSONValue
        do {
            request = try JSONParser.parse(line, limits: JSONLimits(maxBytes: maxRequestBytes, maxDepth: 2))
        } catch {
            return failure("malformed request: \(error)")
        }
        guard let members = request.objectValue else { return failure("malformed request: not a JSON object") }
        switch members["op"]?.stringValue {
        case "list":
            guard members.count == 1 else { return failure("malformed request: list takes no other member") }
            let now = ContinuousClock.now
            return ["ok": true, "pid": .int(Int64(pid)), "pending": .array(pending.requests.map { $0.json(now: now) })]
        case "show":
            return show(members, pending: pending)
        case "allow", "deny":
            return answer(members, pending: pending)
        default:
            return failure("malformed request: \"op\" must be \"list\", \"show\", \"allow\" or \"deny\"")
        }
    }

    private static func show(_ members: [String: JSONValue], pending: PendingApprovals) -> JSONValue {
        guard Set(members.keys).isSubset(of: ["op", "id"]) else { return failure("malformed request: unknown member") }
        guard let id = members["id"]?.stringValue, !id.isEmpty, id.count <= 32 else {
            return failure("malformed request: \"id\" must be a short string")
        }
        guard let request = pending.request(id: id) else {
            return failure("no pending approval \(id) (unknown, already answered or expired)")
        }
        return ["ok": true, "request": request.json(includingPreview: true)]
    }

    private static func answer(_ members: [String: JSONValue], pending: PendingApprovals) -> JSONValue {
        let isAllow = members["op"] == "allow"
        let allowed: Set<String> = isAllow ? ["op", "id"] : ["op", "id", "reason"]
        guard Set(members.keys).isSubset(of: allowed) else { return failure("malformed request: unknown member") }
        guard let id = members["id"]?.stringValue, !id.isEmpty, id.count <= 32 else {
            return failure("malformed request: \"id\" must be a short string")
        }
        var reason: String?
        if let raw = members["reason"] {
            guard let text = raw.stringValue else { return failure("malformed request: \"reason\" must be a string") }
            let clipped = ApprovalDescriber.clip(text, to: maxReasonCharacters)
            reason = clipped.isEmpty ? nil : clipped
        }
        guard let request = pending.request(id: id),
            pending.resolve(id: id, with: isAllow ? .allowed : .denied(reason: reason))
        else {
            return failure("no pending approval \(id) (unknown, already answered or expired)")
        }
        return ["ok": true, "id": .string(id), "client": .string(request.clientID), "tool": .string(request.tool)]
    }
}

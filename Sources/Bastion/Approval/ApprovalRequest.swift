import BastionProtocol

/// One tool call waiting for a person's decision, as the person sees it.
struct ApprovalRequest: Sendable, Hashable {
    /// A short random id the operator types (`bastion approve allow k3f9qa`).
    var id: String
    /// The client that made the call.
    var clientID: String
    /// The tool it wants to run.
    var tool: String
    /// One line: the arguments that matter, redacted and cut short.
    var summary: String
    /// The full description: who, what, every argument (redacted and bounded).
    var description: String
    /// When the request started waiting.
    var createdAt: ContinuousClock.Instant
    /// What the call will do (the content written, the diff, the command), bounded; sent only by
    /// `show` (``ApprovalWireProtocol``), so `list` stays small however many calls wait.
    var preview: String? = nil

    /// The characters short ids are made of: lowercase letters and digits, minus look-alikes.
    static let idAlphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    /// A fresh random id of six characters (about 30 bits: ids of different servers and of
    /// expired requests never realistically collide, so `allow` cannot hit the wrong call).
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<6).map { _ in idAlphabet[Int(generator.next(upperBound: UInt(idAlphabet.count)))] })
    }

    /// The request as the local wire protocol lists it.
    /// - Parameters:
    ///   - now: The current instant, for the age.
    ///   - includingPreview: Add `preview` (for `show`).
    func json(now: ContinuousClock.Instant = .now, includingPreview: Bool = false) -> JSONValue {
        let age = now - createdAt
        let ageMs = age.components.seconds * 1000 + age.components.attoseconds / 1_000_000_000_000_000
        var members: [String: JSONValue] = [
            "id": .string(id), "client": .string(clientID), "tool": .string(tool), "summary": .string(summary),
            "description": .string(description), "age_ms": .int(ageMs),
        ]
        if includingPreview, let preview { members["preview"] = .string(preview) }
        return .object(members)
    }
}

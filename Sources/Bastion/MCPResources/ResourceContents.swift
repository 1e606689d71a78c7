public import BastionProtocol

/// One item of a `resources/read` result.
public enum ResourceContents: Sendable, Hashable {
    /// Text content.
    case text(uri: String, mimeType: String?, text: String)
    /// Binary content, base64-encoded.
    case blob(uri: String, mimeType: String?, base64: Base64Payload)

    /// The `contents[]` entry.
    public var json: JSONValue {
        var members: [String: JSONValue]
        let mime: String?
        switch self {
        case .text(let uri, let mimeType, let text):
            members = ["uri": .string(uri), "text": .string(text)]
            mime = mimeType
        case .blob(let uri, let mimeType, let data):
            members = ["uri": .string(uri), "blob": data.json]
            mime = mimeType
        }
        if let mime { members["mimeType"] = .string(mime) }
        return .object(members)
    }
}

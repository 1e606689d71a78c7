public import BastionProtocol

/// One item of a tool result's `content` (tools.mdx).
public enum ToolContent: Sendable, Hashable {
    /// Plain text.
    case text(String)
    /// An image, base64-encoded.
    case image(base64: Base64Payload, mimeType: String)
    /// Audio, base64-encoded (2025-03-26+; older clients get a text note instead).
    case audio(base64: Base64Payload, mimeType: String)
    /// A link to a resource (2025-06-18+; older clients get the URI as text).
    case resourceLink(uri: String, name: String, mimeType: String?)
    /// An embedded text resource.
    case resourceText(uri: String, mimeType: String?, text: String)
    /// An embedded binary resource (base64 `blob`).
    case resourceBlob(uri: String, mimeType: String?, base64: Base64Payload)

    /// The content item for a negotiated version.
    public func json(for version: ProtocolVersion) -> JSONValue {
        switch self {
        case .text(let text):
            return ["type": "text", "text": .string(text)]
        case .image(let data, let mimeType):
            return ["type": "image", "data": data.json, "mimeType": .string(mimeType)]
        case .audio(let data, let mimeType):
            guard version >= .v2025_03_26 else {
                return ["type": "text", "text": .string("[audio \(mimeType), \(data.count) base64 bytes]")]
            }
            return ["type": "audio", "data": data.json, "mimeType": .string(mimeType)]
        case .resourceLink(let uri, let name, let mimeType):
            guard version >= .v2025_06_18 else { return ["type": "text", "text": .string(uri)] }
            var members: [String: JSONValue] = ["type": "resource_link", "uri": .string(uri), "name": .string(name)]
            if let mimeType { members["mimeType"] = .string(mimeType) }
            return .object(members)
        case .resourceText(let uri, let mimeType, let text):
            var resource: [String: JSONValue] = ["uri": .string(uri), "text": .string(text)]
            if let mimeType { resource["mimeType"] = .string(mimeType) }
            return ["type": "resource", "resource": .object(resource)]
        case .resourceBlob(let uri, let mimeType, let blob):
            var resource: [String: JSONValue] = ["uri": .string(uri), "blob": blob.json]
            if let mimeType { resource["mimeType"] = .string(mimeType) }
            return ["type": "resource", "resource": .object(resource)]
        }
    }
}

import BastionProtocol
import BastionSecurity

/// A tool result as an isolation worker sends it back: every content item in its latest form, the
/// structured content, the error flag and the permission refusal behind it (which the wire of MCP
/// never carries, and the server's audit record needs).
extension ToolResult {
    /// The result for the worker pipe.
    var workerJSON: JSONValue {
        var members: [String: JSONValue] = ["content": .array(content.map { $0.json(for: .latest) })]
        if isError { members["isError"] = true }
        if let structuredContent { members["structuredContent"] = structuredContent }
        if let denial { members["denial"] = denial.workerJSON }
        return .object(members)
    }

    /// Decodes a worker's result; `nil` when it is not one (the worker is then treated as broken).
    init?(workerJSON json: JSONValue) {
        guard let items = json["content"]?.arrayValue else { return nil }
        var content: [ToolContent] = []
        content.reserveCapacity(items.count)
        for item in items {
            guard let decoded = ToolContent(workerJSON: item) else { return nil }
            content.append(decoded)
        }
        self.init(
            content: content,
            structuredContent: json["structuredContent"],
            isError: json["isError"]?.boolValue ?? false
        )
        if let denial = json["denial"] {
            guard let decoded = PermissionDenial(workerJSON: denial) else { return nil }
            self.denial = decoded
        }
    }
}

extension ToolContent {
    /// Decodes a content item in its latest form (``json(for:)`` with ``ProtocolVersion/latest``).
    init?(workerJSON item: JSONValue) {
        switch item["type"]?.stringValue {
        case "text":
            guard let text = item["text"]?.stringValue else { return nil }
            self = .text(text)
        case "image", "audio":
            guard let data = item["data"]?.stringValue, let mimeType = item["mimeType"]?.stringValue else { return nil }
            let payload = Base64Payload(base64: data)
            self =
                item["type"]?.stringValue == "image"
                ? .image(base64: payload, mimeType: mimeType) : .audio(base64: payload, mimeType: mimeType)
        case "resource_link":
            guard let uri = item["uri"]?.stringValue, let name = item["name"]?.stringValue else { return nil }
            self = .resourceLink(uri: uri, name: name, mimeType: item["mimeType"]?.stringValue)
        case "resource":
            guard let resource = item["resource"], let uri = resource["uri"]?.stringValue else { return nil }
            let mimeType = resource["mimeType"]?.stringValue
            if let text = resource["text"]?.stringValue {
                self = .resourceText(uri: uri, mimeType: mimeType, text: text)
            } else if let blob = resource["blob"]?.stringValue {
                self = .resourceBlob(uri: uri, mimeType: mimeType, base64: Base64Payload(base64: blob))
            } else {
                return nil
            }
        default:
            return nil
        }
    }
}

extension PermissionDenial {
    var workerJSON: JSONValue {
        var members: [String: JSONValue] = [
            "permission": .string(permission), "target": .string(target), "rule": .string(rule.rawValue),
        ]
        if let pattern { members["pattern"] = .string(pattern) }
        return .object(members)
    }

    init?(workerJSON json: JSONValue) {
        guard let permission = json["permission"]?.stringValue, let target = json["target"]?.stringValue,
            let rule = json["rule"]?.stringValue.flatMap(Rule.init(rawValue:))
        else { return nil }
        self.init(permission: permission, target: target, rule: rule, pattern: json["pattern"]?.stringValue)
    }
}

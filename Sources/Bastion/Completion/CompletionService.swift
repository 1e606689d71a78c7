import BastionProtocol
import BastionSecurity

/// Answers `completion/complete` for prompt arguments and resource-template variables.
struct CompletionService: Sendable {
    /// The spec caps a completion answer at 100 values.
    static let maxValues = 100

    let prompts: PromptManager
    let resources: ResourceManager

    func complete(params: JSONValue?, client: ClientContext) throws(JSONRPCError) -> JSONValue {
        guard let ref = params?["ref"], let type = ref["type"]?.stringValue else {
            throw .invalidParams("\"ref\" must be an object with a \"type\"")
        }
        guard let argument = params?["argument"]?["name"]?.stringValue,
            let prefix = params?["argument"]?["value"]?.stringValue
        else { throw .invalidParams("\"argument\" must be an object with string \"name\" and \"value\"") }
        let values: [String]
        switch type {
        case "ref/prompt":
            guard let name = ref["name"]?.stringValue else { throw .invalidParams("ref/prompt needs a \"name\"") }
            values = try prompts.complete(prompt: name, argument: argument, prefix: prefix)
        case "ref/resource":
            guard let uri = ref["uri"]?.stringValue else { throw .invalidParams("ref/resource needs a \"uri\"") }
            guard let found = resources.complete(uri: uri, variable: argument, prefix: prefix, client: client) else {
                throw .invalidParams("unknown resource template \"\(uri)\"")
            }
            values = found
        default:
            throw .invalidParams("unknown reference type \"\(type)\"")
        }
        return [
            "completion": [
                "values": .array(values.prefix(Self.maxValues).map { .string($0) }),
                "total": .int(Int64(values.count)), "hasMore": .bool(values.count > Self.maxValues),
            ]
        ]
    }
}

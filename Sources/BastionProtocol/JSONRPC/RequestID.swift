/// A JSON-RPC request id: a string or an integer, never null (MCP forbids null ids).
public enum RequestID: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    /// Reads an id from its JSON form; `nil` for anything but a string or an integer.
    public init?(json: JSONValue) {
        switch json {
        case .int(let value): self = .int(value)
        case .string(let value): self = .string(value)
        case .double(let value):
            // 7.0 is an integer written with a fraction; 7.5 is not an id.
            guard let exact = Int64(exactly: value) else { return nil }
            self = .int(exact)
        default: return nil
        }
    }

    /// The id as JSON, exactly as the peer sent it.
    public var json: JSONValue {
        switch self {
        case .int(let value): return .int(value)
        case .string(let value): return .string(value)
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}

public import BastionProtocol
import BastionResources

/// Binary content as a tool result or a resource carries it: Base64 text, either given as a string
/// or encoded from bytes only when the answer is written, straight into its output (the encoding of
/// a 60 MB file then exists once, in the message, instead of as a string and again in the message).
public struct Base64Payload: Sendable, Hashable, ExpressibleByStringLiteral {
    private enum Storage: Sendable {
        case text(String)
        case bytes(LazyJSONString)
    }

    private let storage: Storage

    /// Content already encoded as Base64.
    public init(base64 text: String) {
        storage = .text(text)
    }

    /// Content already encoded as Base64.
    public init(stringLiteral value: String) {
        storage = .text(value)
    }

    /// Bytes to be encoded when the answer is written; they are kept until then.
    public init(encoding bytes: [UInt8]) {
        storage = .bytes(Base64.lazyJSONString(encoding: bytes))
    }

    /// The length of the Base64 text.
    public var count: Int {
        switch storage {
        case .text(let text): return text.utf8.count
        case .bytes(let lazy): return lazy.byteCount
        }
    }

    /// The Base64 text (encoded now for bytes: a copy, for tests and small payloads).
    public var text: String {
        switch storage {
        case .text(let text): return text
        case .bytes(let lazy): return lazy.string
        }
    }

    /// The JSON string of the payload; produced when written for bytes.
    public var json: JSONValue {
        switch storage {
        case .text(let text): return .string(text)
        case .bytes(let lazy): return .lazyString(lazy)
        }
    }

    /// Equal when the Base64 texts are equal, however they are stored.
    public static func == (lhs: Base64Payload, rhs: Base64Payload) -> Bool {
        lhs.count == rhs.count && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
    }
}

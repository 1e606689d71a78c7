/// An HTTP request as an RFC 9421 signature covers it: what the transport saw, handed to the
/// signature authenticator unchanged. The transport verifies nothing here; it only copies.
public struct SignedHTTPRequest: Sendable, Hashable {
    /// The method, as sent (`POST`).
    public var method: String
    /// The full target URI, `scheme://authority/path?query` (RFC 9421 §2.2.2).
    public var targetURI: String
    /// Every header field in the order received, names lowercased, values as sent.
    public var fields: [Field]
    /// The request's content (empty when none).
    public var body: [UInt8]

    /// One header field.
    public struct Field: Sendable, Hashable {
        /// The name, lowercased.
        public var name: String
        /// The value, as sent.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a request's signed view.
    public init(method: String, targetURI: String, fields: [Field], body: [UInt8]) {
        self.method = method
        self.targetURI = targetURI
        self.fields = fields
        self.body = body
    }
}

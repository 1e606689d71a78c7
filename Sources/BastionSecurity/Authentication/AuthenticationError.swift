/// Why authentication failed. The message is for the operator; clients get a generic refusal.
public struct AuthenticationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, comparable across versions.
    public struct Code: Sendable, Hashable {
        fileprivate enum Value { case unknownClient, unsupportedCredentials, invalidCredentials, insufficientScope }
        fileprivate let value: Value
        /// The credentials name no configured client.
        public static let unknownClient = Code(value: .unknownClient)
        /// This authenticator does not accept this kind of credentials.
        public static let unsupportedCredentials = Code(value: .unsupportedCredentials)
        /// The credentials were malformed, expired or forged.
        public static let invalidCredentials = Code(value: .invalidCredentials)
        /// A valid token that lacks a scope the server requires (HTTP 403 `insufficient_scope`).
        public static let insufficientScope = Code(value: .insufficientScope)
    }

    /// The failure kind.
    public var code: Code
    /// A description for logs and the audit record; never contains a secret.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Why the server could not start or serve.
public struct ServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for the operator, naming what to fix.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// An error a tool handler throws to fail its call with a message meant for the model.
///
/// Any other error thrown by a handler is logged on the server and reported to the client only as
/// "the tool failed", so internal details do not leak.
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message the client sees.
    public var message: String

    /// Creates an error with a client-facing message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

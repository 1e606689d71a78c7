public import BastionSecurity

/// An error a tool handler throws to fail its call with a message meant for the model.
///
/// Any other error thrown by a handler is logged on the server and reported to the client only as
/// "the tool failed", so internal details do not leak.
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message the client sees.
    public var message: String
    /// When the call failed because a permission check refused a path or command: what the audit
    /// record then says (`"decision":"deny"`, the permission, the canonical path). Never shown to the client.
    public var denial: PermissionDenial?

    /// Creates an error with a client-facing message.
    /// - Parameters:
    ///   - message: What the model reads.
    ///   - denial: The permission refusal behind it, if that is why the call failed.
    public init(_ message: String, denial: PermissionDenial? = nil) {
        self.message = message
        self.denial = denial
    }

    public var description: String { message }
}

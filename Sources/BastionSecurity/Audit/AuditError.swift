/// Why the audit log could not be opened or written.
public struct AuditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, with the path.
    public var message: String

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

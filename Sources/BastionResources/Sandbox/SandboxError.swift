/// A sandbox could not be set up or a call would leave it.
public struct SandboxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, naming the path or resource.
    public var message: String

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

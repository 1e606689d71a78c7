/// A sandbox could not be set up or a call would leave it.
public struct SandboxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, naming the path or resource.
    public var message: String
    /// The `sandbox-exec` step that failed, when the error comes from applying a policy.
    public var step: SandboxPolicy.Step?

    /// Creates an error.
    /// - Parameters:
    ///   - message: What went wrong.
    ///   - step: The `sandbox-exec` step that failed, if any.
    public init(message: String, step: SandboxPolicy.Step? = nil) {
        self.message = message
        self.step = step
    }

    public var description: String { message }
}

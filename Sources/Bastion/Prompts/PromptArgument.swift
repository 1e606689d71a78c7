/// An argument of a configured prompt, listed in `prompts/list` and substituted for `{{name}}`.
public struct PromptArgument: Sendable, Hashable {
    /// The argument's name, `[A-Za-z0-9_.-]{1,128}`, unique within its prompt.
    public var name: String
    /// What the argument means, shown to the user.
    public var description: String?
    /// Whether `prompts/get` must provide the argument.
    public var isRequired: Bool
    /// Values offered by `completion/complete` for this argument (`completions`), in order.
    public var completions: [String]

    /// Creates a prompt argument.
    /// - Parameters:
    ///   - name: The argument's name.
    ///   - description: What the argument means.
    ///   - isRequired: Whether the argument must be provided (default `false`).
    ///   - completions: Values offered by `completion/complete` (default none).
    public init(name: String, description: String? = nil, isRequired: Bool = false, completions: [String] = []) {
        self.name = name
        self.description = description
        self.isRequired = isRequired
        self.completions = completions
    }
}

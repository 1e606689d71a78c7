/// A finished run: how it ended and the policy it ran under (for the result and the audit record).
public struct ExecutionResult: Sendable, Hashable {
    /// How the child ended.
    public var outcome: ProcessOutcome
    /// The policy `sandbox-exec` was given.
    public var policy: SandboxPolicy
    /// Granted write roots left out of the child's write set because they hold a protected path or
    /// a `deny` match (Landlock only allow-lists), each with the reason.
    public var excludedWriteRoots: [String]
    /// For `run_code`: the interpreter's name and the SHA-256 of the code, in hex.
    public var code: (language: String, sha256: String)?

    /// Creates a result.
    public init(
        outcome: ProcessOutcome,
        policy: SandboxPolicy,
        excludedWriteRoots: [String] = [],
        code: (language: String, sha256: String)? = nil
    ) {
        self.outcome = outcome
        self.policy = policy
        self.excludedWriteRoots = excludedWriteRoots
        self.code = code
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.outcome == rhs.outcome && lhs.policy == rhs.policy && lhs.excludedWriteRoots == rhs.excludedWriteRoots
            && lhs.code?.language == rhs.code?.language && lhs.code?.sha256 == rhs.code?.sha256
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(outcome)
        hasher.combine(policy)
    }
}

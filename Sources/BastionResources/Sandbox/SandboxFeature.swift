/// A kernel sandboxing feature: what ``KernelSandboxSupport`` detects, what a ``SandboxReport``
/// says was applied, and what `[server] require_sandbox` and ``SandboxPolicy/required`` name.
public enum SandboxFeature: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Landlock file-system rules (Linux 5.13+, ABI 1+); TCP and scopes come with later ABIs.
    case landlock
    /// A seccomp BPF filter (Linux 3.5+).
    case seccomp
    /// User namespaces an unprivileged process may create (needed for a private network or mount
    /// namespace when Bastion does not run as root).
    case userns
    /// A private network namespace for restricted code (root, or unprivileged user namespaces).
    case netns
    /// A cgroup per run (v1 `memory` and `pids` controllers, or a delegated v2 subtree).
    case cgroup

    /// Features in declaration order.
    public static func < (lhs: SandboxFeature, rhs: SandboxFeature) -> Bool {
        let order = allCases
        return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
    }

    /// The spelling list for error messages: `landlock, seccomp, …`.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

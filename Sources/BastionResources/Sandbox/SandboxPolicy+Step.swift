extension SandboxPolicy {
    /// The steps of `bastion sandbox-exec`, in the order they run; a failure names its step
    /// (`failed <step>: <message>` on the status descriptor).
    public enum Step: String, Sendable, Hashable, CaseIterable {
        /// Reading and checking the policy document.
        case policy
        /// Signal mask and dispositions reset, new session, descriptors closed.
        case process
        /// `PR_SET_NO_NEW_PRIVS`.
        case privileges
        /// `chdir` to the working directory.
        case directory
        /// Joining the run's cgroups.
        case cgroup
        /// Private network / mount (/ user) namespaces.
        case namespaces
        /// The minimal root and hiding paths in the private mount namespace.
        case mounts
        /// `setrlimit`: after the mounts, which allocate (listing a directory under a tight
        /// `RLIMIT_AS` failed with ENOMEM), before the user switch (`RLIMIT_NPROC` counts there).
        case limits
        /// Switching to the policy's user and groups.
        case user
        /// The Landlock ruleset.
        case landlock
        /// The seccomp filter.
        case seccomp
        /// Checking that every required feature was applied.
        case required
        /// `execve` itself.
        case exec
    }
}

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
        /// Joining the run's cgroups.
        case cgroup
        /// Private network / mount (/ user) namespaces.
        case namespaces
        /// The minimal root and hiding paths in the private mount namespace.
        case mounts
        /// Switching to the policy's user and groups.
        case user
        /// The Landlock ruleset.
        case landlock
        /// The seccomp filter.
        case seccomp
        /// Checking that every required feature was applied.
        case required
        /// `setrlimit`: once everything that allocates is done (listing a directory under a tight
        /// `RLIMIT_AS` failed with ENOMEM; a prepared process parses its launch first), after the
        /// user switch (so `RLIMIT_NPROC`, per real user, never fails that switch or `execve` for
        /// another run's processes).
        case limits
        /// `chdir` to the working directory, as the child's user, in its root.
        case directory
        /// `execve` itself.
        case exec
    }
}

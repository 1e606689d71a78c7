import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// Applies a ``SandboxPolicy`` to the calling process, in ``SandboxPolicy/Step`` order, for
/// `bastion sandbox-exec` just before `execve`. Every failure throws, naming its step, so the
/// caller never runs a program half-sandboxed. Single-threaded by contract: Landlock, seccomp and
/// `setuid` apply to the calling thread, and `execve` ends every other.
package enum SandboxApplier {
    /// Signal mask emptied and every disposition back to default (ignored signals survive
    /// `execve`; the server ignores SIGPIPE and SIGHUP), a session of its own, every descriptor
    /// from `lowestClosed` up closed, the status descriptor close-on-exec.
    /// - Throws: ``SandboxError`` at step `process`.
    package static func resetProcess(lowestClosed: Int32, statusDescriptor: Int32) throws(SandboxError) {
        try SandboxSystemCall.check(.process, "resetting signals") { cbastion_reset_signals() }
        // EPERM when already a process-group leader (spawned with POSIX_SPAWN_SETSID): fine if
        // that group is a session of its own.
        if setsid() < 0 && getsid(0) != getpid() {
            throw SandboxError(message: "starting a session: \(SandboxSystemCall.errorText())", step: .process)
        }
        try SandboxSystemCall.check(.process, "closing descriptors") { cbastion_close_from(lowestClosed) }
        _ = fcntl(statusDescriptor, F_SETFD, FD_CLOEXEC)
    }

    /// Everything after the process reset but the resource limits and the working directory,
    /// which ``launch(_:report:)`` adds: at once for a whole policy, once the launch is read for a
    /// prepared one (``SandboxPolicy/awaitsLaunch``). Both paths end the same way, so that a run
    /// has the same outcome whether its sandbox was prepared ahead or not (review 11, finding 1).
    /// - Returns: what was applied.
    /// - Throws: ``SandboxError`` naming the failed step.
    package static func apply(_ policy: SandboxPolicy) throws(SandboxError) -> SandboxReport {
        var report = SandboxReport()
        try SandboxSystemCall.check(.privileges, "PR_SET_NO_NEW_PRIVS") { cbastion_set_no_new_privs() }
        for directory in policy.cgroups {
            // A process the server started ahead of its run is already there (``WarmSandboxes``):
            // joining again would pay the migration (milliseconds on cgroup v1) for nothing.
            if !isMember(of: directory) {
                try SandboxSystemCall.check(.cgroup, "joining \(directory)") { cbastion_join_cgroup(directory) }
            }
            report.cgroups.append(directory)
        }
        try SandboxNamespaces.enter(policy, into: &report)
        if let user = policy.user {
            // While still root: the switch clears CAP_SETPCAP, which emptying the bounding set needs.
            try SandboxSystemCall.check(.privileges, "emptying the capability bounding set") {
                cbastion_drop_capability_bounding_set()
            }
            try SandboxSystemCall.check(.user, "switching to uid \(user.uid) gid \(user.gid)") {
                cbastion_switch_user(user.uid, user.gid, user.groups, user.groups.count)
            }
            report.user = user
        }
        // Even as root (run_as = "root", sudo): uid 0 keeps root's files, never the capabilities
        // (chown, mknod, fanotify, raw devices…) that Landlock and seccomp do not cover.
        try SandboxSystemCall.check(.privileges, "dropping every capability") { cbastion_drop_capabilities() }
        try LandlockRuleset().restrict(
            readPaths: policy.readPaths,
            writePaths: policy.writePaths,
            restrictsNetwork: policy.restrictsNetwork,
            into: &report
        )
        try SeccompFilter.install(restrictsNetwork: policy.restrictsNetwork, into: &report)
        try checkRequired(policy.required, report: report)
        try checkNetwork(restricted: policy.restrictsNetwork, report: report)
        return report
    }

    /// The last steps before `execve`, in the sandbox already: the resource limits (lowering one
    /// needs no privilege; whatever allocates — the mounts, a prepared policy's launch — is done),
    /// then the working directory, entered as the child's user in the child's root: a directory
    /// that user cannot enter fails the run, cold or prepared alike.
    /// - Throws: ``SandboxError`` at step `limits` or `directory`.
    package static func launch(_ policy: SandboxPolicy, report: inout SandboxReport) throws(SandboxError) {
        try applyLimits(policy.limits, into: &report)
        try SandboxSystemCall.check(.directory, "changing to \(policy.workingDirectory)") {
            chdir(policy.workingDirectory)
        }
    }

    /// `setrlimit`, soft and hard alike (the child cannot raise them); CPU's hard limit is one
    /// second later, so SIGXCPU comes before SIGKILL.
    private static func applyLimits(
        _ limits: SandboxPolicy.Limits,
        into report: inout SandboxReport
    ) throws(SandboxError) {
        let table: [(String, Int32, Int?)] = [
            ("cpu", Int32(RLIMIT_CPU.rawValue), limits.cpuSeconds),
            ("as", Int32(RLIMIT_AS.rawValue), limits.addressSpaceBytes),
            ("nofile", Int32(RLIMIT_NOFILE.rawValue), limits.openFiles),
            ("nproc", CBASTION_RLIMIT_NPROC, limits.processes),
            ("fsize", Int32(RLIMIT_FSIZE.rawValue), limits.fileSizeBytes),
        ]
        for (name, resource, value) in table {
            guard let value else { continue }
            let soft = rlim_t(value)
            var limit = rlimit(rlim_cur: soft, rlim_max: name == "cpu" ? soft + 1 : soft)
            try SandboxSystemCall.check(.limits, "setting RLIMIT \(name) to \(value)") {
                setrlimit(__rlimit_resource_t(resource), &limit)
            }
            report.limits.append(name)
        }
    }

    /// Fails restricted code whose network nothing cut off: Landlock's TCP rules alone leave UDP
    /// and raw sockets open, so a seccomp socket filter or a private network namespace must hold.
    static func checkNetwork(restricted: Bool, report: SandboxReport) throws(SandboxError) {
        guard restricted, !report.network.contains(.seccompSocket), !report.network.contains(.namespace) else { return }
        throw SandboxError(
            message: "the network could not be restricted (no seccomp filter and no network namespace)",
            step: .required
        )
    }

    /// Fails when a required feature is unknown or was not applied.
    static func checkRequired(_ required: [String], report: SandboxReport) throws(SandboxError) {
        let applied = report.features
        for name in required {
            guard let feature = SandboxFeature(rawValue: name) else {
                throw SandboxError(
                    message: "unknown feature \"\(name)\" (known: \(SandboxFeature.spellings))",
                    step: .required
                )
            }
            guard applied.contains(feature) else {
                throw SandboxError(message: "\(name) is required but the kernel did not apply it", step: .required)
            }
        }
    }

    /// Whether this process is listed in the `cgroup.procs` of `directory`.
    static func isMember(of directory: String) -> Bool {
        guard let contents = CgroupFiles.read("cgroup.procs", in: directory) else { return false }
        return CgroupFiles.pids(in: contents).contains(getpid())
    }
}

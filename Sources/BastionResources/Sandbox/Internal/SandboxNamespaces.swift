import BastionSecurity
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// The namespaces of a run: a private network namespace for restricted code (best effort: Landlock
/// and seccomp already cut TCP and non-UNIX sockets), and a private mount namespace hiding
/// ``SandboxPolicy/hiddenPaths`` (mandatory: a path that cannot be hidden fails the run). As root
/// these are plain `unshare`s; otherwise they need an unprivileged user namespace mapping the
/// caller's ids onto themselves.
enum SandboxNamespaces {
    /// Enters the namespaces the policy needs (``SandboxReport/userNamespace`` says whether a user
    /// namespace was created for them).
    /// - Throws: ``SandboxError`` at step `namespaces` or `mounts`.
    static func enter(_ policy: SandboxPolicy, into report: inout SandboxReport) throws(SandboxError) {
        let network = policy.restrictsNetwork
        let mounts = !policy.hiddenPaths.isEmpty || policy.minimalRoot
        guard network || mounts else { return }
        if geteuid() == 0 {
            if network && cbastion_unshare(1, 0, 0) == 0 { report.network.append(.namespace) }
            if mounts {
                try SandboxSystemCall.check(.namespaces, "creating a mount namespace") { cbastion_unshare(0, 1, 0) }
            }
        } else if cbastion_unshare(network ? 1 : 0, mounts ? 1 : 0, 1) == 0 {
            report.userNamespace = true
            if network { report.network.append(.namespace) }
        } else if mounts {
            throw SandboxError(
                message:
                    "creating a user and mount namespace to hide Bastion's paths: \(SandboxSystemCall.errorText())",
                step: .namespaces
            )
        }
        guard mounts else { return }
        try SandboxSystemCall.check(.mounts, "making mounts private") { cbastion_make_mounts_private() }
        if policy.minimalRoot { try enterMinimalRoot(policy, into: &report) }
        try hide(policy.hiddenPaths, into: &report)
    }

    private static func enterMinimalRoot(_ policy: SandboxPolicy, into report: inout SandboxReport) throws(SandboxError)
    {
        let plan = MinimalRootPlan(policy)
        let bound = plan.binds
        let links = policy.rootLinks.sorted { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }
        // Never freed: this process `execve`s or exits soon after.
        let paths = bound.map { UnsafePointer(strdup($0.path)) }
        let flags = bound.map { Int32($0.writable ? 1 : 0) }
        let linkPaths = links.map { UnsafePointer(strdup($0.key)) }
        let linkTargets = links.map { UnsafePointer(strdup($0.value)) }
        var privateProc: Int32 = 0
        var failedIndex: Int32 = -1
        let status = cbastion_enter_minimal_root(
            paths,
            flags,
            paths.count,
            linkPaths,
            linkTargets,
            linkPaths.count,
            &privateProc,
            &failedIndex
        )
        guard status == 0 else {
            let index = Int(failedIndex)
            let what =
                index < 0
                ? "building the minimal root"
                : index < bound.count
                    ? "binding \(bound[index].path) into the minimal root"
                    : "linking \(links[index - bound.count].key) in the minimal root"
            throw SandboxError(message: "\(what): \(SandboxSystemCall.errorText())", step: .mounts)
        }
        _ = try plan.maskUnlisted()
        report.minimalRoot = true
        report.privateProc = privateProc == 1
        // The working directory is entered last, as the child's user (``SandboxApplier/launch(_:report:)``).
    }

    private static func hide(_ paths: [String], into report: inout SandboxReport) throws(SandboxError) {
        for path in paths {
            try SandboxSystemCall.check(.mounts, "hiding \(path)") { cbastion_hide_path(path) }
            report.hiddenPaths.append(path)
        }
    }
}

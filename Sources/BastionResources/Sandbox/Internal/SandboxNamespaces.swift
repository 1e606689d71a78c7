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
        let mounts = !policy.hiddenPaths.isEmpty
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
        if mounts { try hide(policy.hiddenPaths, into: &report) }
    }

    private static func hide(_ paths: [String], into report: inout SandboxReport) throws(SandboxError) {
        try SandboxSystemCall.check(.mounts, "making mounts private") { cbastion_make_mounts_private() }
        for path in paths {
            try SandboxSystemCall.check(.mounts, "hiding \(path)") { cbastion_hide_path(path) }
            report.hiddenPaths.append(path)
        }
    }
}

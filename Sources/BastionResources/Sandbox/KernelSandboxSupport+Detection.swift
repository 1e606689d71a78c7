import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

extension KernelSandboxSupport {
    /// Asks the kernel: `landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)`,
    /// seccomp's `SECCOMP_GET_ACTION_AVAIL`, a child that tries an unprivileged user namespace and
    /// one that tries a network namespace, and the cgroup file system at `/sys/fs/cgroup`. Forks
    /// two short-lived children; call once at start, not per run.
    public static func detect() -> KernelSandboxSupport {
        KernelSandboxSupport(
            landlockABI: LandlockRuleset().abi,
            seccomp: SeccompFilter.isAvailable,
            unprivilegedUserNamespaces: cbastion_probe_namespace(0) == 1,
            networkNamespace: cbastion_probe_namespace(1) == 1,
            cgroup: detectCgroup(),
            isRoot: geteuid() == 0
        )
    }

    /// v2 when `/sys/fs/cgroup/cgroup.controllers` exists (writable: this process's own cgroup
    /// directory, a delegated subtree); v1 when both the `memory` and `pids` hierarchies exist
    /// (writable: both).
    static func detectCgroup(root: String = "/sys/fs/cgroup") -> CgroupSupport {
        if access("\(root)/cgroup.controllers", F_OK) == 0 {
            let own = ownUnifiedCgroup().map { root + $0 } ?? root
            return CgroupSupport(version: 2, isWritable: access(own, W_OK) == 0)
        }
        let controllers = ["\(root)/memory", "\(root)/pids"]
        guard controllers.allSatisfy({ access($0, F_OK) == 0 }) else {
            return CgroupSupport(version: nil, isWritable: false)
        }
        return CgroupSupport(version: 1, isWritable: controllers.allSatisfy { access($0, W_OK) == 0 })
    }

    /// The `0::/path` line of `/proc/self/cgroup`, its path.
    private static func ownUnifiedCgroup() -> String? {
        let descriptor = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        // path-bytes: a byte slice of /proc/self/cgroup, compared with the bytes of "0::"
        for line in buffer[..<count].split(separator: UInt8(ascii: "\n")) where line.starts(with: "0::".utf8) {
            return String(decoding: line.dropFirst(3), as: UTF8.self)
        }
        return nil
    }
}

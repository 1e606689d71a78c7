import CBastionLinux

/// Which files a sandbox's paths named when it was prepared: device, inode and birth time of every
/// read and write path (the entry itself, links not followed; none for a missing one).
///
/// A `sandbox-exec` prepared ahead (``WarmSandboxes``) made its binds and Landlock rules on the
/// inodes of park time. A file replaced by `rename(2)` since (`/etc/passwd` by `useradd`,
/// `resolv.conf`, `ld.so.cache`), or a path removed, made or replaced, names another inode now,
/// and a run whose stamp differs from its parked process's starts cold, seeing what a cold run
/// sees (review 11, findings 2 and 3: a workdir moved away and made anew was still the one the
/// next run wrote to). A change inside a file or below a directory needs nothing: the
/// sandbox holds the same inode. Hidden paths are not stamped: they are masked only where they
/// lie inside a bound path, and Bastion's own files there are carved out of every bound path
/// (the audit head is replaced after every commit).
struct RootStamp: Hashable, Sendable {
    /// Device, inode and birth time per path, in the policy's order (zeros for one that cannot be
    /// stat'ed).
    private let identities: [UInt64]

    /// Stats the policy's read and write paths now (about 150 `statx`, in the dentry cache).
    init(_ policy: SandboxPolicy) {
        let paths = policy.readPaths + policy.writePaths
        var identities = [UInt64](repeating: 0, count: 4 * paths.count)
        identities.withUnsafeMutableBufferPointer { buffer in
            for (index, path) in paths.enumerated() {
                _ = cbastion_file_identity(path, buffer.baseAddress! + 4 * index)
            }
        }
        self.identities = identities
    }
}

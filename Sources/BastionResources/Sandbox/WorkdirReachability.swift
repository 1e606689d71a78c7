package import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

/// Whether an unprivileged user can reach a directory: search permission on every ancestor.
///
/// A root server's children run as another user (`run_as`); a workdir under a 0700 directory
/// (`/root`, pytest's `/tmp/pytest-of-root`) would make every run fail with a bare `EACCES` at
/// `chdir`. Checked once when the workdir is provisioned, so the error names the directory instead.
/// Decided as the kernel does: the owner, group and other mode bits, or the directory's POSIX
/// access ACL when it has one (``PosixACL/permits(_:user:owner:group:)``).
package enum WorkdirReachability {
    /// The first ancestor of `path` (from `/` down, `path` itself excluded) that `user` cannot
    /// search, with why.
    /// - Parameters:
    ///   - path: An absolute, canonical directory path.
    ///   - user: The user the children run as.
    /// - Returns: `nil` when every ancestor is searchable; else the ancestor and a reason.
    package static func firstBlockedAncestor(of path: String, for user: SystemUser) -> (path: String, reason: String)? {
        var ancestor = path
        var ancestors: [String] = []
        // `splitLast` ends at `/` (nil) or at a relative path's first segment (empty parent).
        while let (parent, _) = PathBytes.splitLast(ancestor), !parent.isEmpty {
            ancestors.append(parent)
            ancestor = parent
        }
        for directory in ancestors.reversed() {
            if let reason = blockReason(directory, for: user) { return (directory, reason) }
        }
        return nil
    }

    /// Why `user` cannot search `directory`, or `nil` when it can.
    static func blockReason(_ directory: String, for user: SystemUser) -> String? {
        var info = stat()
        guard stat(directory, &info) == 0 else { return "it cannot be inspected: \(String(cString: strerror(errno)))" }
        let mode = UInt32(info.st_mode & 0o7777)
        let acl: PosixACL?
        do {
            acl = try PosixACL.read(path: directory, .access)
        } catch {
            return "its ACL cannot be read: \(error.message)"
        }
        let isSearchable =
            acl?.permits(1, user: user, owner: info.st_uid, group: info.st_gid)
            ?? user.isPermitted(0o1, mode: mode, owner: info.st_uid, group: info.st_gid)
        guard !isSearchable else { return nil }
        let octal = String(mode, radix: 8)
        return "mode 0\(octal), owner uid \(info.st_uid)\(acl == nil ? "" : " and its ACL") give it no search (x) permission"
    }
}

public import BastionSecurity
import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

/// Creates a client's private working directory: owned by the server's user, not a link, mode
/// 0700 — or, when a root server's children run as another user (`run_as`), mode 0700 plus a POSIX
/// ACL granting exactly that user `rwx`, as access and as default ACL (``PosixACL/sharedWorkdir(uid:)``).
///
/// Why an ACL and not `chown`: the directory stays root's, so the child cannot `chmod` it open to
/// others or swap its ACL, the server's ownership checks stay as they are, and the default ACL
/// makes every file created inside — by the child, or by the file tools as root — usable by both.
public enum WorkdirProvisioner {
    /// Creates `path` (and missing parents) or checks an existing one, then shares it with `user`.
    /// - Parameters:
    ///   - path: An absolute path.
    ///   - user: The user children run as, when it is not the server's; missing parents are then
    ///     created 0711 (searchable, not listable) and every ancestor must be searchable by it.
    /// - Throws: ``SandboxError`` when the path exists but is not a private directory of ours, or
    ///   when `user` cannot reach it (naming the ancestor that blocks it).
    public static func provision(_ path: String, sharedWith user: SystemUser? = nil) throws(SandboxError) {
        guard PathBytes.isAbsolute(path) else { throw SandboxError(message: "workdir \(path) is not an absolute path") }
        let sharing = sharingUser(user)
        do {
            try DirectoryPath.create(path, mode: sharing == nil ? 0o700 : 0o711)
        } catch {
            throw SandboxError(message: "cannot create workdir \(error.path): \(String(cString: strerror(error.errno)))")
        }
        try verify(path, sharedWith: sharing, repair: true)
        guard let sharing else { return }
        if let (ancestor, reason) = WorkdirReachability.firstBlockedAncestor(of: path, for: sharing) {
            throw SandboxError(
                message: "workdir \(path) cannot be reached by \(sharing.name) (uid \(sharing.uid)), the user this "
                    + "client's children run as (run_as): \(ancestor): \(reason); make it searchable "
                    + "(chmod o+x, or an ACL), or choose a workdir elsewhere"
            )
        }
    }

    /// The user a workdir is shared with: `user`, unless it is the server's own (or root).
    package static func sharingUser(_ user: SystemUser?) -> SystemUser? {
        guard let user, user.uid != 0, user.uid != geteuid() else { return nil }
        return user
    }

    /// Checks, with one `lstat(2)` (and the ACLs when shared), that `path` is still a private
    /// directory owned by the server's user.
    /// - Parameters:
    ///   - path: The workdir.
    ///   - user: The user it is shared with (``sharingUser(_:)``), or `nil`.
    ///   - repair: Whether to tighten looser permission bits (and set the ACLs) instead of failing.
    /// - Throws: ``SandboxError`` naming what is wrong.
    public static func verify(_ path: String, sharedWith user: SystemUser? = nil, repair: Bool = false) throws(SandboxError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw SandboxError(message: "cannot inspect workdir \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SandboxError(message: "workdir \(path) exists and is not a directory (or is a symbolic link)")
        }
        guard info.st_uid == geteuid() else {
            throw SandboxError(message: "workdir \(path) is owned by uid \(info.st_uid), not by the server's user")
        }
        if let user = sharingUser(user) {
            guard !isShared(path, mode: UInt32(info.st_mode), with: user) else { return }
            guard repair else {
                throw SandboxError(
                    message: "workdir \(path) is not shared exactly with uid \(user.uid) (mode 0700 and the "
                        + "run_as user's ACL, nothing more)"
                )
            }
            try share(path, with: user)
            return
        }
        if info.st_mode & 0o077 != 0 {
            guard repair, chmod(path, 0o700) == 0 else {
                throw SandboxError(message: "workdir \(path) is accessible to other users (mode must be 0700)")
            }
        }
    }

    /// Whether a workdir is private to the server and `user`: mode 0770 as the kernel shows an ACL
    /// (the group bits are the mask), and exactly ``PosixACL/sharedWorkdir(uid:)`` as access and
    /// default ACL. Anything looser (another entry, other rights, a group) is refused.
    package static func isShared(_ path: String, mode: UInt32, with user: SystemUser) -> Bool {
        let expected = PosixACL.sharedWorkdir(uid: user.uid)
        guard mode & 0o7777 == 0o770,
            (try? PosixACL.read(path: path, .access)) == expected,
            (try? PosixACL.read(path: path, .default)) == expected
        else { return false }
        return true
    }

    /// Sets the workdir's mode and both ACLs through a descriptor (no link followed), and shares
    /// its `.tmp` (where `TMPDIR` and run_code's files are) the same way when it exists.
    private static func share(_ path: String, with user: SystemUser) throws(SandboxError) {
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else {
            throw SandboxError(message: "cannot open workdir \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(directory) }
        try share(directory, display: path, with: user)
        let temporary = openat(directory, ".tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard temporary >= 0 else { return }
        defer { close(temporary) }
        var info = stat()
        guard fstat(temporary, &info) == 0, info.st_uid == geteuid() else { return }
        try share(temporary, display: path + "/.tmp", with: user)
    }

    /// Mode 0700, then the shared list as access and default ACL, on an open directory.
    package static func share(_ directory: Int32, display path: String, with user: SystemUser) throws(SandboxError) {
        let list = PosixACL.sharedWorkdir(uid: user.uid)
        guard fchmod(directory, 0o700) == 0 else {
            throw SandboxError(message: "cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
        do {
            try list.write(descriptor: directory, .access)
            try list.write(descriptor: directory, .default)
        } catch {
            throw SandboxError(
                message: "cannot give \(user.name) (uid \(user.uid)) access to \(path) with a POSIX ACL: "
                    + "\(error.message) (the file system must support ACLs for a root server's run_as)"
            )
        }
    }
}

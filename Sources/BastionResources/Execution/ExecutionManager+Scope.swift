import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension ExecutionManager {
    /// Names that, at the top of a granted root, mean it holds something no child may write (the
    /// built-in protected list's directories: `.git/hooks`, `.config/…`, `.ssh`, client configurations).
    static let protectedTopNames: Set<String> = [
        ".git", ".config", ".ssh", ".claude", ".cursor", ".vscode", ".codex",
        ".gemini", ".codeium",
    ]

    /// The child's write set and the granted roots left out of it.
    ///
    /// Restricted code (the default) writes only in the workdir (ARCHITECTURE §2), plus `/dev/null`.
    /// Unrestricted code also gets the client's granted write roots, except a root that is itself
    /// refused, or whose top-level entries include a protected or denied path or a directory of the
    /// protected list (Landlock only allow-lists: such a root cannot be granted minus the entry),
    /// or that holds one of Bastion's hidden paths at any depth.
    /// Matches deeper inside a root are not looked for; neither are protected names inside the
    /// workdir (`workdir/.git/hooks`), which only a mount namespace could mask.
    ///
    /// A child that runs as another user (`run_as`) also loses the roots that user cannot write by
    /// their mode bits or ACL: granting them to Landlock would only promise what the kernel refuses.
    func writeScope(
        _ client: ClientContext,
        isUnrestricted: Bool,
        user: SystemUser? = nil
    ) -> (writes: [String], excluded: [String]) {
        var writes = [client.workdir, "/dev/null"]
        var excluded: [String] = []
        guard isUnrestricted else { return (writes, excluded) }
        for root in client.grantedRoots.write where !PathBytes.equal(root, client.workdir) {
            if let reason = Self.exclusionReason(root, client: client, hidden: hiddenScope, runtime: runtimeScope)
                ?? user.flatMap({ Self.userCannotWrite(root, $0) })
            {
                excluded.append("\(root): \(reason)")
            } else {
                writes.append(root)
            }
        }
        return (writes, excluded)
    }

    static func exclusionReason(
        _ root: String,
        client: ClientContext,
        hidden: [String] = [],
        runtime: [String] = []
    ) -> String? {
        if PathBytes.isWithin(client.workdir, root) { return "it contains the workdir, and Bastion's state beside it" }
        // A replaced library or binary runs the child's code as the server at its next start
        // (review 8, finding 17).
        if let path = runtime.first(where: { PathBytes.isWithin($0, root) || PathBytes.isWithin(root, $0) }) {
            return "it holds \(path), which the server runs"
        }
        // At any depth: another client's workdir, or a directory a `deny` refuses whole.
        if let path = client.deniedSubtrees.first(where: { PathBytes.isWithin($0, root) }) {
            return "it holds \(path), which this client is refused"
        }
        // At any depth: with write access above a hidden path a child could rename its directory
        // away, or read a rotated copy no mask covers yet (review 4, finding 3).
        if let path = hidden.first(where: { PathBytes.isWithin($0, root) || ReadScope.isHidden(root, by: $0) }) {
            return "it contains \(path), which Bastion keeps from every child"
        }
        guard client.check(.write, canonicalPath: root).isAllowed else { return "the root itself may not be written" }
        guard let directory = opendir(root) else { return "it cannot be listed" }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            if protectedTopNames.contains(name) { return "it contains \(name)" }
            if !client.check(.write, canonicalPath: PathBytes.join(root, name)).isAllowed {
                return "it contains \(name), which may not be written"
            }
        }
        return nil
    }

    /// Why `user` cannot create files in `root` (write and search on it), or `nil` when it can.
    static func userCannotWrite(_ root: String, _ user: SystemUser) -> String? {
        var info = stat()
        guard stat(root, &info) == 0 else { return "it cannot be inspected" }
        let acl = try? PosixACL.read(path: root, .access)
        let mode = UInt32(info.st_mode & 0o7777)
        let canWrite =
            acl?.permits(3, user: user, owner: info.st_uid, group: info.st_gid)
            ?? user.isPermitted(0o3, mode: mode, owner: info.st_uid, group: info.st_gid)
        guard !canWrite else { return nil }
        return "the run_as user \(user.name) (uid \(user.uid)) cannot write it (mode 0\(String(mode, radix: 8)), "
            + "owner uid \(info.st_uid))"
    }

    /// The workdir's `.tmp` (created 0700 when missing), opened without following links.
    static func temporaryDirectory(of workdir: String) throws(ExecutionError) -> (path: String, directory: Int32) {
        let path = workdir + "/.tmp"
        let base = open(workdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard base >= 0 else {
            throw ExecutionError(
                .spawnFailed,
                "cannot open the workdir \(workdir): \(String(cString: strerror(errno)))"
            )
        }
        defer { close(base) }
        if mkdirat(base, ".tmp", 0o700) != 0, errno != EEXIST {
            throw ExecutionError(.spawnFailed, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let directory = openat(base, ".tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else {
            throw ExecutionError(.spawnFailed, "\(path) is not a directory: \(String(cString: strerror(errno)))")
        }
        // Created inside a shared workdir, it inherited the run_as user's ACL, masked by 0700.
        try? PosixACL.extendInheritedEntries(descriptor: directory)
        return (path, directory)
    }
}

/// Blocking writes of a whole buffer to a regular file.
enum FileDescriptorWriter {
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}

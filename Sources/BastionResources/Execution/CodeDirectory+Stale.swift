import BastionSecurity
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

extension CodeDirectory {
    /// The start of every server's directory name: `bastion-code-<pid>-XXXXXX`.
    static let namePrefix = "bastion-code-"

    /// Why `parent` cannot hold the code directory, or `nil` when it can: it must be a directory
    /// owned by root or by the server, and sticky when others may write it, so that nobody else can
    /// rename the server's directory away and put one of their own in its place (review 12,
    /// finding 3). `/tmp` as every distribution makes it (1777, root) passes.
    static func unsafeParent(_ parent: String) -> String? {
        var info = stat()
        guard stat(parent, &info) == 0 else {
            return "\(parent) cannot be inspected: \(String(cString: strerror(errno)))"
        }
        let mode = info.st_mode & 0o7777
        guard info.st_mode & S_IFMT == S_IFDIR else { return "\(parent) is not a directory" }
        guard info.st_uid == 0 || info.st_uid == geteuid() else {
            return "\(parent) belongs to uid \(info.st_uid), neither root nor the server"
        }
        // The group bits of a directory with an ACL are its mask: a named entry that may write shows here.
        guard mode & 0o022 == 0 || mode & UInt32(S_ISVTX) != 0 else {
            return "\(parent) (mode \(String(mode, radix: 8))) may be written by others and has no sticky bit "
                + "(fix it with: chmod 1777 \(parent))"
        }
        return nil
    }

    /// Removes what servers no longer running left in `parent` (review 12, finding 3): each
    /// `bastion-code-<pid>-XXXXXX` directory of this user whose pid is gone and that no server holds
    /// locked (``CodeDirectory`` keeps a shared `flock` on its own), with its clients'
    /// subdirectories and the code files in them. Nothing is followed: every step is relative to
    /// a descriptor opened with `O_NOFOLLOW`, and an entry of an unexpected shape is left alone
    /// (so is its directory).
    /// - Returns: The names removed.
    @discardableResult
    static func removeStale(in parent: String) -> [String] {
        let opened = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard opened >= 0 else { return [] }
        let directory = Descriptor(opened)
        let names =
            (try? DirectoryReader.entries(of: directory, path: parent, limit: .max) { entry in
                entry.kind == .directory && entry.isValidUTF8 && stalePid(entry.name) != nil ? entry.name : nil
            }.items) ?? []
        return names.filter { name in
            guard let pid = stalePid(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { return false }
            // A pid gone here may live in another pid namespace that shares /tmp: its server holds
            // a shared lock on its directory for life, so only an unlocked one is a dead server's.
            // The lock is held while the tree goes, so no server can take the directory meanwhile.
            let opened = openat(directory.raw, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard opened >= 0 else { return false }
            defer { close(opened) }
            guard flock(opened, LOCK_EX | LOCK_NB) == 0 else { return false }
            return removeTree(Array(name.utf8CString), in: directory.raw, depth: 2)
        }
    }

    /// The pid in a server directory's name (`bastion-code-123-a1B2c3`), `nil` for any other name.
    static func stalePid(_ name: String) -> pid_t? {
        guard PathBytes.hasPrefix(name, namePrefix) else { return nil }
        let fields = name.utf8.dropFirst(namePrefix.utf8.count).split(
            separator: UInt8(ascii: "-"),
            maxSplits: 1,
            omittingEmptySubsequences: false
        )
        guard fields.count == 2, fields[1].count == 6, !fields[0].isEmpty, fields[0].count <= 10,
            fields[0].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let pid = pid_t(String(decoding: fields[0], as: UTF8.self)), pid > 0
        else { return nil }
        return pid
    }

    /// Removes the directory `name` in `parent` and what it holds, `depth` levels at most, when it
    /// is this user's own; `false` when anything stays.
    private static func removeTree(_ name: [CChar], in parent: Int32, depth: Int) -> Bool {
        // O_PATH first: the directories are 0711 or 0311, which their owner cannot read until
        // it opens them up; the mode is changed through the descriptor's /proc link, never a path.
        let located = openat(parent, name, CBASTION_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard located >= 0 else { return false }
        defer { close(located) }
        var info = stat()
        guard fstat(located, &info) == 0, info.st_uid == geteuid(), chmod("/proc/self/fd/\(located)", 0o700) == 0
        else { return false }
        let opened = openat(located, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard opened >= 0 else { return false }
        let directory = Descriptor(opened)
        guard let entries = try? DirectoryReader.entries(of: directory, path: "") else { return false }
        var emptied = true
        for entry in entries {
            let removed =
                switch entry.kind {
                case .directory: depth > 1 && removeTree(entry.rawName, in: directory.raw, depth: depth - 1)
                default: unlinkat(directory.raw, entry.rawName, 0) == 0
                }
            emptied = emptied && removed
        }
        return emptied && unlinkat(parent, name, AT_REMOVEDIR) == 0
    }
}

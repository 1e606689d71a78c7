import BastionSystem
#if canImport(Glibc)
import Glibc
#endif

/// Where the local approval sockets live: one private directory per user, one socket per server.
///
/// `$BASTION_APPROVAL_DIR` when set (tests, unusual setups); else `$XDG_RUNTIME_DIR/bastion/approvals`
/// (a tmpfs only the user can enter, emptied at logout); else `$XDG_STATE_HOME/bastion/approvals`, or
/// `~/.local/state/bastion/approvals`.
package enum ApprovalDirectory {
    /// The environment variable that overrides the directory.
    package static let overrideVariable = "BASTION_APPROVAL_DIR"

    /// The socket file name of a server process.
    package static func socketName(pid: Int32) -> String { "\(pid).sock" }

    /// The pid a socket file name belongs to, or `nil` for a name that is not `<pid>.sock`.
    package static func pid(ofSocketName name: String) -> Int32? {
        guard name.hasSuffix(".sock") else { return nil }
        return Int32(name.dropLast(5)).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The directory for an environment.
    /// - Parameter environment: Looks a variable up (`getenv` by default).
    /// - Returns: The absolute directory path, or `nil` when no variable gives a home for it.
    package static func path(environment: (String) -> String? = processVariable) -> String? {
        func absolute(_ name: String) -> String? {
            guard let value = environment(name), value.hasPrefix("/") else { return nil }
            return value.hasSuffix("/") && value.count > 1 ? String(value.dropLast()) : value
        }
        if let custom = absolute(overrideVariable) { return custom }
        if let runtime = absolute("XDG_RUNTIME_DIR") { return runtime + "/bastion/approvals" }
        if let state = absolute("XDG_STATE_HOME") { return state + "/bastion/approvals" }
        if let home = absolute("HOME") { return home + "/.local/state/bastion/approvals" }
        return nil
    }

    /// Reads a variable of this process's environment.
    package static func processVariable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Creates the directory (and missing parents, 0700) or checks an existing one.
    ///
    /// The directory is the first line of defence (nobody else can even reach the sockets), so it
    /// must be a real directory, not a symbolic link, owned by this user and closed to others.
    /// - Parameter path: An absolute path.
    /// - Throws: ``ApprovalError`` naming what is wrong.
    package static func prepare(_ path: String) throws(ApprovalError) {
        do {
            try DirectoryPath.create(path, mode: 0o700)
        } catch {
            throw .system("cannot create the approval directory \(error.path)", errno: error.errno)
        }
        try verify(path)
    }

    /// Checks that `path` is a directory (not a link) owned by this user with no access for others.
    /// - Parameter path: The directory.
    /// - Throws: ``ApprovalError`` naming what is wrong.
    package static func verify(_ path: String) throws(ApprovalError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw .system("cannot inspect the approval directory \(path)", errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ApprovalError("the approval directory \(path) is not a directory (or is a symbolic link)")
        }
        guard info.st_uid == geteuid() else {
            throw ApprovalError("the approval directory \(path) is owned by uid \(info.st_uid), not by this user")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ApprovalError("the approval directory \(path) is open to other users (its mode must be 0700)")
        }
    }
}

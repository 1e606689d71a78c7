import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// The one `mkdir -p` every layer shares (workdirs, the audit log's directory, the approval sockets').
package enum DirectoryPath {
    /// Why a directory could not be created.
    package struct Failure: Error, Sendable, Hashable {
        /// The prefix whose `mkdir(2)` failed.
        package var path: String
        /// Its `errno`.
        package var errno: Int32
    }

    /// Creates `path` and its missing parents with `mode`; existing ones are left as they are.
    ///
    /// A directory made here is private as `mode` says even under a parent with a default ACL:
    /// the entries it would inherit (a named user's `rwx`, passed on to what is made inside) are
    /// removed before anything goes in it.
    ///
    /// Splits on `/` bytes, never on Characters: a component that starts with a combining mark
    /// stays its own component.
    /// - Parameters:
    ///   - path: An absolute path, or one relative to the working directory.
    ///   - mode: The mode of each directory created (before the umask).
    /// - Throws: ``Failure`` naming the first prefix that could not be created.
    package static func create(_ path: String, mode: UInt32 = 0o700) throws(Failure) {
        let bytes = Array(path.utf8)
        var end = bytes.first == UInt8(ascii: "/") ? 1 : 0
        while end < bytes.count {
            while end < bytes.count, bytes[end] != UInt8(ascii: "/") { end += 1 }
            let prefix = String(decoding: bytes[..<end], as: UTF8.self)
            if mkdir(prefix, mode_t(mode)) == 0 {
                try dropInheritedACL(prefix, mode: mode)
            } else if errno != EEXIST {
                throw Failure(path: prefix, errno: errno)
            }
            while end < bytes.count, bytes[end] == UInt8(ascii: "/") { end += 1 }
        }
    }

    /// Removes the access and default ACLs a new directory inherited (none is no error), and sets
    /// `mode` again: with a default ACL the umask played no part, and the group bits were the mask.
    private static func dropInheritedACL(_ path: String, mode: UInt32) throws(Failure) {
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else { throw Failure(path: path, errno: errno) }
        defer { close(directory) }
        let inherited = [0, 1].filter { cbastion_acl_get_fd(directory, $0, nil, 0) >= 0 }
        for which in inherited where cbastion_acl_remove_fd(directory, Int32(which)) != 0 {
            throw Failure(path: path, errno: errno)
        }
        if !inherited.isEmpty, fchmod(directory, mode_t(mode)) != 0 { throw Failure(path: path, errno: errno) }
    }
}

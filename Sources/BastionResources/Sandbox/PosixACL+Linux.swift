import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

extension PosixACL {
    /// Which of a file's two lists.
    package enum Kind: Int32, Sendable {
        /// `system.posix_acl_access`: who may access the file.
        case access = 0
        /// `system.posix_acl_default`: what files created in a directory inherit.
        case `default` = 1
    }

    /// The largest attribute read (1 024 entries).
    static let maximumBytes = 4 + 8 * maximumEntries

    /// A file's ACL through an open descriptor (not `O_PATH`).
    /// - Returns: The list; `nil` when the file has none (or the file system keeps none).
    /// - Throws: The `errno` of a failed read, or `EINVAL` for bytes that are no ACL.
    package static func read(descriptor: Int32, _ kind: Kind) throws(PosixACLError) -> PosixACL? {
        try decode { cbastion_acl_get_fd(descriptor, kind.rawValue, $0, $1) }
    }

    /// A path's ACL, not following a final symbolic link.
    package static func read(path: String, _ kind: Kind) throws(PosixACLError) -> PosixACL? {
        try decode { cbastion_acl_get_path(path, kind.rawValue, $0, $1) }
    }

    private static func decode(_ get: (UnsafeMutableRawPointer?, Int) -> Int) throws(PosixACLError) -> PosixACL? {
        var bytes = [UInt8](repeating: 0, count: maximumBytes)
        let count = bytes.withUnsafeMutableBytes { get($0.baseAddress, $0.count) }
        guard count >= 0 else {
            if errno == ENODATA || errno == EOPNOTSUPP { return nil }
            throw PosixACLError(errno: errno)
        }
        guard let list = PosixACL(decoding: Array(bytes.prefix(count))) else { throw PosixACLError(errno: EINVAL) }
        return list
    }

    /// Sets this list on an open file (not `O_PATH`); the kernel sets the mode's group bits to the mask.
    package func write(descriptor: Int32, _ kind: Kind) throws(PosixACLError) {
        let bytes = encoded()
        let status = bytes.withUnsafeBytes { cbastion_acl_set_fd(descriptor, kind.rawValue, $0.baseAddress, $0.count) }
        guard status == 0 else { throw PosixACLError(errno: errno) }
    }

    /// Gives the named users and groups a file inherited from its directory's default ACL the
    /// owner's rights, no more: a file the server creates (mode 0600 or 0644, or a directory 0700)
    /// has its mask cut to the mode's group bits, which would leave the run_as user locked out.
    /// A file without named entries (no default ACL above it) is left alone.
    /// - Parameter descriptor: The new file, open for reading or writing (not `O_PATH`).
    /// - Throws: ``PosixACLError`` when the list cannot be read or written.
    package static func extendInheritedEntries(descriptor: Int32) throws(PosixACLError) {
        guard var list = try read(descriptor: descriptor, .access),
            list.entries.contains(where: { $0.tag == .user || $0.tag == .group }),
            let owner = list.permissions(of: .userObject),
            let index = list.entries.firstIndex(where: { $0.tag == .mask })
        else { return }
        guard list.entries[index].permissions != owner else { return }
        list.entries[index].permissions = owner
        try list.write(descriptor: descriptor, .access)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A user of the password database, as a root server's children run as it (a client's `run_as`).
///
/// Resolved once, at configuration load, with `getpwnam_r(3)` / `getpwuid_r(3)` and
/// `getgrouplist(3)`: a child never looks the name up itself, so a changed `/etc/passwd` cannot
/// change whom it runs as until the configuration is loaded again.
public struct SystemUser: Sendable, Hashable {
    /// The login name (`nobody`).
    public var name: String
    /// The user id.
    public var uid: UInt32
    /// The primary group id (`pw_gid`).
    public var gid: UInt32
    /// Every group of the user (`getgrouplist`), the primary group included, sorted.
    public var groups: [UInt32]

    /// Creates a user from known ids (tests; the server resolves names with ``resolve(_:)``).
    public init(name: String, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// The user the specification names: a login name, or a decimal uid that has an entry.
    /// - Parameter specification: `nobody`, or `65534`.
    /// - Returns: The user, or `nil` when the password database has no such user.
    public static func resolve(_ specification: String) -> SystemUser? {
        guard !specification.isEmpty, specification.utf8.count <= 256, !specification.utf8.contains(0) else {
            return nil
        }
        if let uid = UInt32(specification) { return lookUp { getpwuid_r(uid, &$0, $1, $2, &$3) } }
        return lookUp { getpwnam_r(specification, &$0, $1, $2, &$3) }
    }

    /// The user whose uid is `uid`, when it has an entry.
    public static func resolve(uid: UInt32) -> SystemUser? {
        lookUp { getpwuid_r(uid, &$0, $1, $2, &$3) }
    }

    private typealias Lookup = (
        inout passwd, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<passwd>?
    ) -> Int32

    private static func lookUp(_ call: Lookup) -> SystemUser? {
        var size = 16_384
        // ERANGE: the entry does not fit; retry with a bigger buffer, up to 1 MiB.
        while size <= 1 << 20 {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            var tooSmall = false
            // `pw_name` points into `buffer`, so read it while the buffer is pinned.
            let found = buffer.withUnsafeMutableBufferPointer { storage -> SystemUser? in
                guard let base = storage.baseAddress else { return nil }
                let status = call(&entry, base, storage.count, &result)
                if status == ERANGE { tooSmall = true }
                guard status == 0, result != nil, let name = entry.pw_name else { return nil }
                return SystemUser(name: String(cString: name), uid: entry.pw_uid, gid: entry.pw_gid)
            }
            if tooSmall {
                size *= 4
                continue
            }
            guard var user = found else { return nil }
            user.groups = groupList(user.name, primary: user.gid)
            return user
        }
        return nil
    }

    /// `getgrouplist(3)`, the primary group always included.
    private static func groupList(_ name: String, primary: UInt32) -> [UInt32] {
        var count: Int32 = 64
        while count <= 65_536 {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var found = count
            if getgrouplist(name, primary, &groups, &found) >= 0 {
                return Array(Set(groups.prefix(Int(max(found, 0)))).union([primary])).sorted()
            }
            guard found > count else { break }
            count = found
        }
        return [primary]
    }

    /// Whether a process of this user passes the owner, group or other class of `mode` for `bits`
    /// (`0o1` search, `0o2` write, `0o4` read), by mode bits alone (ACLs: ``PosixACL``).
    /// - Parameters:
    ///   - bits: The wanted rights, as the "other" triplet (`0o1`, `0o3`, …).
    ///   - mode: The file's mode.
    ///   - owner: The file's owner.
    ///   - group: The file's group.
    ///   Children hold no capabilities, so uid 0 gets no override here either.
    public func isPermitted(_ bits: UInt32, mode: UInt32, owner: UInt32, group: UInt32) -> Bool {
        let granted: UInt32
        if owner == uid {
            granted = (mode >> 6) & 0o7
        } else if groups.contains(group) || gid == group {
            granted = (mode >> 3) & 0o7
        } else {
            granted = mode & 0o7
        }
        return granted & bits == bits
    }
}

package import BastionSecurity
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// A POSIX access control list in the kernel's extended-attribute form (`system.posix_acl_access`,
/// `system.posix_acl_default`), encoded here so that no libacl is needed.
///
/// The bytes (Linux `include/uapi/linux/posix_acl_xattr.h`): a little-endian `u32` version 2, then
/// one 8-byte entry per rule — `u16` tag, `u16` permissions (`r` 4, `w` 2, `x` 1), `u32` id (a
/// uid or gid for `USER` / `GROUP`, `0xFFFFFFFF` otherwise) — sorted by tag, then id.
///
/// A root server shares a client's workdir with the user its children run as (`run_as`) through
/// ``sharedWorkdir(uid:)``: the directory stays owned by root, mode 0700 for everyone else, and
/// the one named user gets `rwx`; the same list as the default ACL makes everything created inside
/// (by the child, or by the file tools running as root) usable by both.
package struct PosixACL: Sendable, Hashable {
    /// An entry's kind.
    package enum Tag: UInt16, Sendable, Comparable {
        case userObject = 0x01
        case user = 0x02
        case groupObject = 0x04
        case group = 0x08
        case mask = 0x10
        case other = 0x20

        package static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One rule: who (tag, and id for named users and groups) gets which rights.
    package struct Entry: Sendable, Hashable {
        package var tag: Tag
        /// `r` 4, `w` 2, `x` 1.
        package var permissions: UInt16
        /// The uid or gid of a `USER` / `GROUP` entry; ``PosixACL/undefinedID`` otherwise.
        package var id: UInt32

        package init(_ tag: Tag, _ permissions: UInt16, id: UInt32 = PosixACL.undefinedID) {
            self.tag = tag
            self.permissions = permissions
            self.id = id
        }
    }

    /// The id of entries that name nobody (`ACL_UNDEFINED_ID`).
    package static let undefinedID: UInt32 = 0xFFFF_FFFF
    /// The only format version (`POSIX_ACL_XATTR_VERSION`).
    static let version: UInt32 = 2
    /// More entries than any list Bastion writes or accepts.
    static let maximumEntries = 1_024

    /// The entries, in the kernel's order (by tag, then id).
    package var entries: [Entry]

    /// A list of the given entries, put in the kernel's order.
    package init(_ entries: [Entry]) {
        self.entries = entries.sorted { ($0.tag, $0.id) < ($1.tag, $1.id) }
    }

    /// The workdir ACL (access and default alike): owner `rwx`, the user `uid` `rwx`, the owning
    /// group and others nothing, mask `rwx`.
    package static func sharedWorkdir(uid: UInt32) -> PosixACL {
        PosixACL([
            Entry(.userObject, 7), Entry(.user, 7, id: uid), Entry(.groupObject, 0), Entry(.mask, 7),
            Entry(.other, 0),
        ])
    }

    /// The extended attribute's bytes.
    package func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + 8 * entries.count)
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        append(Self.version)
        for entry in entries {
            append(entry.tag.rawValue)
            append(entry.permissions)
            append(entry.id)
        }
        return bytes
    }

    /// Decodes the extended attribute's bytes.
    /// - Parameter bytes: The attribute's value.
    /// - Returns: The list, or `nil` when the bytes are not a version-2 list of known entries.
    package init?(decoding bytes: [UInt8]) {
        guard bytes.count >= 4, (bytes.count - 4) % 8 == 0, (bytes.count - 4) / 8 <= Self.maximumEntries else {
            return nil
        }
        func read32(_ offset: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
        }
        func read16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
        guard read32(0) == Self.version else { return nil }
        var entries: [Entry] = []
        for offset in stride(from: 4, to: bytes.count, by: 8) {
            guard let tag = Tag(rawValue: read16(offset)) else { return nil }
            let permissions = read16(offset + 2)
            guard permissions & ~0o7 == 0 else { return nil }
            entries.append(Entry(tag, permissions, id: read32(offset + 4)))
        }
        self.init(entries)
    }

    /// The rights of the first entry with `tag` (and `id`, for named entries).
    package func permissions(of tag: Tag, id: UInt32 = PosixACL.undefinedID) -> UInt16? {
        entries.first { $0.tag == tag && (tag != .user && tag != .group || $0.id == id) }?.permissions
    }

    /// Whether `user` gets `bits` (`r` 4, `w` 2, `x` 1) on a file with this ACL, by the POSIX
    /// algorithm the kernel applies (`acl_permission_check`): owner entry, named user (masked),
    /// any matching group entry (masked), else other. No capability overrides it.
    package func permits(_ bits: UInt16, user: SystemUser, owner: UInt32, group: UInt32) -> Bool {
        let mask = permissions(of: .mask) ?? 7
        if owner == user.uid { return (permissions(of: .userObject) ?? 0) & bits == bits }
        if let named = permissions(of: .user, id: user.uid) { return named & mask & bits == bits }
        let groups = Set(user.groups).union([user.gid])
        var isGroupMember = false
        for entry in entries {
            let matches =
                (entry.tag == .groupObject && groups.contains(group)) || (entry.tag == .group && groups.contains(entry.id))
            guard matches else { continue }
            isGroupMember = true
            if entry.permissions & mask & bits == bits { return true }
        }
        if isGroupMember { return false }
        return (permissions(of: .other) ?? 0) & bits == bits
    }
}

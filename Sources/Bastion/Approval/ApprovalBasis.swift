import BastionProtocol
import BastionResources
import BastionSecurity
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// What an approval preview of a file change was computed from: the file as it was when the person
/// was shown the diff or the "Creates …" line. An approved call writes only if the file is still
/// in that state (``FileSystemModule`` checks just before writing), so a file changed while the
/// call waited cannot receive a change nobody saw.
package struct ApprovalBasis: Sendable, Hashable {
    /// The state of the file.
    package enum State: Sendable, Hashable {
        /// Nothing was there.
        case absent
        /// Something was there: its identity and times, and a digest of the bytes when they were read.
        case present(Stamp, content: Digest?)
        /// A directory a recursive delete or a move acts on: a digest of the entries shown.
        case tree(Digest)
    }

    /// Identity, size and times of a file (`lstat`, nanoseconds included).
    package struct Stamp: Sendable, Hashable {
        var device: UInt64
        var inode: UInt64
        var mode: UInt32
        var size: Int64
        var modified: Int64
        var modifiedNanoseconds: Int
        var changed: Int64
        var changedNanoseconds: Int

        init(
            device: UInt64,
            inode: UInt64,
            mode: UInt32,
            size: Int64,
            modified: Int64,
            modifiedNanoseconds: Int,
            changed: Int64,
            changedNanoseconds: Int
        ) {
            self.device = device
            self.inode = inode
            self.mode = mode
            self.size = size
            self.modified = modified
            self.modifiedNanoseconds = modifiedNanoseconds
            self.changed = changed
            self.changedNanoseconds = changedNanoseconds
        }

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            mode = UInt32(info.st_mode)
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
            changed = Int64(info.st_ctim.tv_sec)
            changedNanoseconds = Int(info.st_ctim.tv_nsec)
        }
    }

    /// The bytes a diff was made from, as a count and a SHA-256 digest: the same in the server and in
    /// a client's isolation worker, which checks it before writing, and no other content collides.
    package struct Digest: Sendable, Hashable {
        var count: Int
        var value: [UInt8]

        init(count: Int, value: [UInt8]) {
            self.count = count
            self.value = value
        }

        init(_ bytes: [UInt8]) {
            count = bytes.count
            value = Array(SHA256.hash(data: bytes))
        }
    }

    /// The canonical path the preview looked at.
    package var path: String
    /// What was there.
    package var state: State

    /// The basis in one canonical encoding, for a digest sealed with a question (``RequestStateSealer``).
    var canonicalBytes: [UInt8] {
        func digest(_ digest: Digest?) -> [JSONValue] {
            guard let digest else { return [] }
            return [
                .int(Int64(digest.count)), .string(digest.value.map { String($0, radix: 16) }.joined(separator: ":")),
            ]
        }
        let state: [JSONValue]
        switch self.state {
        case .absent:
            state = ["absent"]
        case .present(let stamp, let content):
            let fields: [Int64] = [
                Int64(bitPattern: stamp.device), Int64(bitPattern: stamp.inode), Int64(stamp.mode), stamp.size,
                stamp.modified, Int64(stamp.modifiedNanoseconds), stamp.changed, Int64(stamp.changedNanoseconds),
            ]
            state = ["present"] + fields.map(JSONValue.int) + digest(content)
        case .tree(let listing):
            state = ["tree"] + digest(listing)
        }
        return JSONWriter.encode(.array([.string(path)] + state))
    }

    /// The refusal an approved call gets when the file is no longer what was approved.
    package static func changedMessage(_ path: String) -> String {
        "\"\(DisplayText.escaped(path, maxBytes: 64 * 1024))\" changed since it was approved; nothing was written (call again to get "
            + "a new approval of the current content)"
    }

    /// The state of a target now, found the way the preview finds it (no link followed, nothing changed).
    /// - Parameters:
    ///   - target: The authorized path.
    ///   - files: The file-system manager.
    ///   - content: The bytes read from it, when the caller read them.
    static func state(of target: AuthorizedPath, files: FileSystemManager, content: [UInt8]?) -> State {
        do {
            let (info, _) = try files.status(target)
            return .present(Stamp(info), content: content.map(Digest.init))
        } catch {
            return error.kind == .notFound ? .absent : .present(Stamp(stat()), content: content.map(Digest.init))
        }
    }

    /// The basis of a delete or move preview of a directory: the entries the person was shown.
    static func tree(_ target: AuthorizedPath, listing: TreeListing) -> ApprovalBasis {
        ApprovalBasis(path: target.path, state: .tree(listing.digest))
    }

    /// Whether a directory still holds the entries its delete or move preview listed (walked again
    /// the way the preview walked it); `true` for a basis that is not a tree's.
    func holdsTree(for target: AuthorizedPath, files: FileSystemManager, client: ClientContext) -> Bool {
        guard case .tree(let digest) = state else { return true }
        guard target.path == path else { return false }
        let listing = PathChangePreviewer(files: files).entries(beneath: target, client: client)
        return ApprovalBasis.tree(target, listing: listing).state == .tree(digest)
    }

    /// Whether the target is still as approved.
    /// - Parameters:
    ///   - target: The authorized path the call will write.
    ///   - files: The file-system manager.
    ///   - content: The bytes the call read and will change (`edit_file`), compared with those shown.
    /// - Returns: `true` when the state is unchanged.
    func holds(for target: AuthorizedPath, files: FileSystemManager, content: [UInt8]? = nil) -> Bool {
        guard target.path == path else { return false }
        let now = Self.state(of: target, files: files, content: nil)
        switch (state, now) {
        case (.absent, .absent):
            return true
        case (.present(let stamp, let digest), .present(let current, _)):
            guard stamp == current else { return false }
            guard let digest else { return true }
            // The bytes themselves, not only the times: a same-size change within one clock tick
            // leaves the stamp as it was.
            guard let bytes = content ?? (try? files.readFile(target, maxBytes: digest.count)) else { return false }
            return Digest(bytes) == digest
        default:
            return false
        }
    }
}

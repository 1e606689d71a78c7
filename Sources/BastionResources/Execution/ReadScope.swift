import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

/// Landlock read roots carved around Bastion's hidden paths (review 4, finding 3).
///
/// Landlock only allow-lists whole subtrees, and a mount mask covers only the files that exist when
/// the child starts: a rotated audit file (`audit.jsonl.2`), an editor's backup of the
/// configuration (`bastion.toml~`) or a file created later stayed readable to a child whose read
/// root contained them. So a root holding a hidden path is replaced by its entries, recursively
/// along the way to that path, leaving out the hidden path itself and every sibling whose name
/// contains the hidden name. What is created later in a carved directory is under no rule at all,
/// hence unreadable.
enum ReadScope {
    /// `roots` with every hidden path (and its look-alike siblings) carved out.
    /// - Parameters:
    ///   - roots: Canonical read roots (directories or files).
    ///   - hidden: Canonical paths no child may read.
    /// - Returns: Roots that together reach everything in `roots` but the hidden paths; a directory
    ///   that cannot be listed is left out (fail closed).
    ///   - lookAlikes: Whether siblings whose name contains a hidden name go too (Bastion's own
    ///     files: rotations, backups); `false` carves out exactly the hidden paths (directories a
    ///     client is refused whole).
    static func carve(_ roots: [String], around hidden: [String], lookAlikes: Bool = true) -> [String] {
        var result: [String] = []
        for root in roots { carve(root, around: hidden, lookAlikes: lookAlikes, into: &result) }
        return result
    }

    private static func carve(_ root: String, around hidden: [String], lookAlikes: Bool, into result: inout [String]) {
        if hidden.contains(where: { lookAlikes ? isHidden(root, by: $0) : PathBytes.isWithin(root, $0) }) { return }
        let inside = hidden.filter { PathBytes.isWithin($0, root) }
        guard !inside.isEmpty else {
            result.append(root)
            return
        }
        guard let directory = opendir(root) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            // A name that is not UTF-8 cannot be given back as a path: left out (fail closed).
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.withMemoryRebound(to: CChar.self) { String(validatingCString: $0.baseAddress!) }
            }
            guard let entryName, entryName != ".", entryName != ".." else { continue }
            let entry = PathBytes.join(root, entryName)
            // Never a symbolic link as a root: a bind of it fails the sandbox, and Landlock would
            // open its target, wherever that is (review 10, finding 5). Left out, fail closed.
            var info = stat()
            guard lstat(entry, &info) == 0, (info.st_mode & S_IFMT) != S_IFLNK else { continue }
            carve(entry, around: inside, lookAlikes: lookAlikes, into: &result)
        }
    }

    /// Whether `path` is `hidden`, inside it, or a sibling whose name contains the hidden name
    /// (`audit.jsonl.3`, `.bastion.toml.swp`, `bastion.toml~`).
    static func isHidden(_ path: String, by hidden: String) -> Bool {
        if PathBytes.isWithin(path, hidden) { return true }
        guard let (parent, name) = PathBytes.splitLast(path),
            let (hiddenParent, hiddenName) = PathBytes.splitLast(hidden),
            PathBytes.equal(parent, hiddenParent)
        else { return false }
        return contains(Array(name.utf8), Array(hiddenName.utf8))
    }

    /// The canonical form of a hidden path that may not exist yet: its parent's real path and its
    /// name (`nil` when the parent does not resolve or nothing changes).
    static func canonical(_ path: String) -> String? {
        guard let (parent, name) = PathBytes.splitLast(path), let real = realpath(parent, nil) else { return nil }
        defer { free(real) }
        let resolved = PathBytes.join(String(cString: real), name)
        return PathBytes.equal(resolved, path) ? nil : resolved
    }

    /// Byte-wise substring test.
    private static func contains(_ text: [UInt8], _ part: [UInt8]) -> Bool {
        guard !part.isEmpty, part.count <= text.count else { return part.isEmpty }
        for start in 0...(text.count - part.count) where text[start..<(start + part.count)].elementsEqual(part) {
            return true
        }
        return false
    }
}

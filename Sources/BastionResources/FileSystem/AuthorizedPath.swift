/// A path the permission layer allowed, with the scope root the kernel will keep it beneath.
public struct AuthorizedPath: Sendable, Hashable {
    /// The canonical absolute path.
    public var path: String
    /// The scope root that contains it.
    public var root: String

    /// Creates an authorized path. Only ``FileSystemManager/authorize(_:for:client:followingLastLink:)``
    /// and walks beneath an authorized directory should make one: the path must have been checked.
    public init(path: String, root: String) {
        self.path = path
        self.root = root
    }

    /// The path below ``root``: empty for the root itself, never starting with `/`.
    public var relative: String {
        if path == root { return "" }
        return String(path.dropFirst(root == "/" ? 1 : root.utf8.count + 1))
    }

    /// The parent's relative path and the last component; `nil` for the root itself.
    public var parentAndName: (parent: String, name: String)? {
        let relative = self.relative
        guard !relative.isEmpty else { return nil }
        guard let slash = relative.lastIndex(of: "/") else { return ("", relative) }
        return (String(relative[..<slash]), String(relative[relative.index(after: slash)...]))
    }
}

import BastionSecurity

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

    /// The path below ``root``: empty for the root itself, never starting with `/` (cut on bytes).
    public var relative: String {
        PathBytes.relative(path, to: root) ?? ""
    }

    /// The parent's relative path and the last component; `nil` for the root itself.
    public var parentAndName: (parent: String, name: String)? {
        let relative = self.relative
        guard !relative.isEmpty, let (parent, name) = PathBytes.splitLast(relative) else { return nil }
        return (parent, name)
    }
}

import BastionSecurity

/// The directories a client's file access may reach, per access: its grants' roots, narrowed to
/// the MCP roots the client offered, if any.
public struct FileSystemScope: Sendable, Hashable {
    /// Canonical directories under which reads may happen (none nested in another).
    public var readRoots: [String]
    /// Canonical directories under which writes may happen (none nested in another).
    public var writeRoots: [String]

    /// Creates a scope.
    public init(readRoots: [String], writeRoots: [String]) {
        self.readRoots = readRoots
        self.writeRoots = writeRoots
    }

    /// The scope of the grants, narrowed to `offered` (the client's MCP roots) when given: the
    /// intersection keeps, for each pair, the deeper of a grant root and an offered root when one
    /// contains the other.
    /// - Parameters:
    ///   - granted: The grants' roots.
    ///   - offered: The client's roots, or `nil` when it offered none.
    public init(granted: (read: [String], write: [String]), offered: [String]?) {
        self.readRoots = Self.narrow(granted.read, to: offered)
        self.writeRoots = Self.narrow(granted.write, to: offered)
    }

    /// Every directory of the scope, for `list_allowed_directories`.
    public var allRoots: [String] { Self.outermost(readRoots + writeRoots) }

    /// The root that contains `path`, for the access.
    /// - Parameters:
    ///   - path: A canonical absolute path.
    ///   - isWrite: Whether the access writes.
    /// - Returns: The containing root, or `nil` when the path is outside the scope.
    public func root(containing path: String, isWrite: Bool) -> String? {
        (isWrite ? writeRoots : readRoots).first { Self.contains($0, path) }
    }

    /// Whether `path` is `directory` or lies beneath it (compared on bytes).
    public static func contains(_ directory: String, _ path: String) -> Bool {
        PathBytes.isWithin(path, directory)
    }

    static func narrow(_ roots: [String], to offered: [String]?) -> [String] {
        guard let offered else { return roots }
        var result: [String] = []
        for root in roots {
            for candidate in offered {
                if contains(root, candidate) {
                    result.append(candidate)
                } else if contains(candidate, root) {
                    result.append(root)
                }
            }
        }
        return outermost(result)
    }

    static func outermost(_ directories: [String]) -> [String] {
        var result: [String] = []
        for directory in Set(directories).sorted() where !result.contains(where: { contains($0, directory) }) {
            result.append(directory)
        }
        return result
    }
}

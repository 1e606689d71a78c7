public import BastionSecurity
import CBastionLinux

#if canImport(Glibc)
public import Glibc
#endif

/// Every file access of every tool goes through here: the permission check on the canonical path,
/// then the kernel-confined open beneath the client's scope root (``ConfinedOpener``).
///
/// Nothing here follows a symbolic link: the permission layer resolves links *before* checking,
/// and the open refuses any link met afterwards, so a link swapped in between is refused rather
/// than followed. Regular files with more than one hard link are refused too, since another name
/// of the same file may lie outside the scope.
public struct FileSystemManager: Sendable {
    /// How paths are opened.
    public let opener: ConfinedOpener

    /// Serializes this process's changes to the file system (write, create, move, delete) per
    /// path, so a directory's content cannot change between the check of its entries and the move
    /// or delete, and two writes of one file are ordered; changes to unrelated paths run at once.
    /// Process-wide because every client's manager acts on the same file system.
    static let changes = PathLocks()

    /// Runs a change to the file system while no other change of this process acts on any of
    /// `paths`, on a directory above one of them or on anything beneath one of them.
    /// - Parameters:
    ///   - paths: The canonical paths the change acts on (a move: source and destination).
    ///   - body: The change.
    static func serialized<T>(
        _ paths: String...,
        body: () throws(FileSystemError) -> T
    ) throws(FileSystemError) -> T {
        try changes.withLock(paths, body)
    }

    /// Creates a manager.
    public init(opener: ConfinedOpener = ConfinedOpener()) {
        self.opener = opener
    }

    /// The client's scope now: its grants narrowed to its MCP roots.
    public func scope(of client: ClientContext) -> FileSystemScope {
        FileSystemScope(granted: client.grantedRoots, offered: client.offeredRoots)
    }

    /// Checks a path for an access and finds the scope root to open it beneath.
    /// - Parameters:
    ///   - path: The path as the client gave it.
    ///   - access: `.read` or `.write`.
    ///   - client: The caller.
    ///   - followingLastLink: `false` to act on a symlink itself (delete, move) rather than its target.
    /// - Returns: The canonical path and its root.
    /// - Throws: ``FileSystemError`` of kind `denied`, naming the permission or rule and the path.
    public func authorize(
        _ path: String,
        for access: PermissionManager.Access,
        client: ClientContext,
        followingLastLink: Bool = true
    ) throws(FileSystemError) -> AuthorizedPath {
        let canonical: String
        let decision: PermissionDecision
        // A NUL would end the name at the system call: the call would act on another file.
        guard !path.utf8.contains(0), path.utf8.count <= PathCanonicalizer.maximumLength else {
            throw FileSystemError(
                denial: PermissionDenial(access, target: path, rule: .invalidPath),
                "Permission denied: \(access.verb) \"\(FileSystemError.shown(path))\" is refused: the path contains a NUL "
                    + "byte or is longer than \(PathCanonicalizer.maximumLength) bytes"
            )
        }
        if !followingLastLink, let (parent, name) = Self.splitLast(path) {
            guard name.utf8.count <= 255 else {
                throw FileSystemError(.invalid, "\"\(FileSystemError.shown(path))\": the name is longer than 255 bytes")
            }
            let parentResolution = client.resolve(access, path: parent)
            guard let canonicalParent = parentResolution.canonicalPath else {
                throw Self.denied(parentResolution.decision, access)
            }
            canonical = PathBytes.join(canonicalParent, name)
            decision = client.check(access, canonicalPath: canonical)
        } else {
            let resolution = client.resolve(access, path: path)
            guard let resolved = resolution.canonicalPath else { throw Self.denied(resolution.decision, access) }
            canonical = resolved
            decision = resolution.decision
        }
        // Checked on bytes again here, whatever the permission layer did: the kernel will walk
        // exactly these segments beneath the root, and none may be empty, `.` or `..`.
        guard PathBytes.isNormalAbsolute(canonical) else {
            throw FileSystemError(
                denial: PermissionDenial(access, target: canonical, rule: .invalidPath),
                "Permission denied: \(access.verb) \"\(FileSystemError.shown(path))\" is refused: the path is not in canonical form"
            )
        }
        guard decision.isAllowed else { throw Self.denied(decision, access) }
        let isWrite = access != .read
        guard let root = scope(of: client).root(containing: canonical, isWrite: isWrite) else {
            throw FileSystemError(
                denial: PermissionDenial(access, target: canonical, rule: .outsideScope),
                "Permission denied: \(access.verb) \"\(FileSystemError.shown(canonical))\" is outside the allowed "
                    + "directories (list_allowed_directories shows them)"
            )
        }
        return AuthorizedPath(path: canonical, root: root)
    }

    /// Opens an authorized path beneath its root.
    /// - Parameters:
    ///   - target: The authorized path.
    ///   - flags: `open(2)` flags (`O_NOFOLLOW` and `O_CLOEXEC` are added).
    /// - Returns: The descriptor.
    public func open(_ target: AuthorizedPath, flags: Int32) throws(FileSystemError) -> Descriptor {
        let root = try opener.openDirectory(target.root)
        return try opener.open(target.relative, beneath: root, flags: flags, displayPath: target.path)
    }

    /// Opens an authorized regular file for reading and returns it with its status.
    /// - Throws: `invalid` for a directory, device, FIFO or socket; `confinement` for a hard-linked file.
    public func openRegularFile(_ target: AuthorizedPath) throws(FileSystemError) -> (Descriptor, stat) {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it.
        let file = try open(target, flags: O_RDONLY | O_NONBLOCK)
        let info = try file.status()
        try Self.requireRegularFile(info, path: target.path)
        return (file, info)
    }

    /// Opens a regular file met during a walk, by its raw name in its directory.
    /// - Throws: as ``openRegularFile(_:)``.
    public func openRegularFile(
        _ entry: DirectoryReader.Entry,
        in directory: Descriptor,
        path: String
    ) throws(FileSystemError) -> (Descriptor, stat) {
        let file = try opener.open(entry, in: directory, flags: O_RDONLY | O_NONBLOCK, displayPath: path)
        let info = try file.status()
        try Self.requireRegularFile(info, path: path)
        return (file, info)
    }

    /// Reads a whole regular file, refusing one larger than `maxBytes`, into one buffer of its size.
    /// - Returns: The bytes.
    public func readFile(_ target: AuthorizedPath, maxBytes: Int) throws(FileSystemError) -> [UInt8] {
        try openForWholeRead(target, maxBytes: maxBytes).read()
    }

    /// The status of an authorized path itself (a symlink is described, not followed), and its
    /// birth time when the file system records it.
    public func status(_ target: AuthorizedPath) throws(FileSystemError) -> (stat, birth: timespec?) {
        let file = try openWithoutFollowing(target)
        var seconds: Int64 = 0
        var nanoseconds: UInt32 = 0
        let birth =
            cbastion_birth_time(file.raw, &seconds, &nanoseconds) == 0
            ? timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds)) : nil
        return (try file.status(), birth)
    }

    /// Opens the path itself as `O_PATH`, a symlink included (for status and type checks).
    func openWithoutFollowing(_ target: AuthorizedPath) throws(FileSystemError) -> Descriptor {
        guard let (parent, name) = target.parentAndName else {
            return try opener.openDirectory(target.root)
        }
        let directory = try openParent(parent, of: target)
        let result = openat(directory.raw, name, CBASTION_O_PATH | O_NOFOLLOW | O_CLOEXEC)
        guard result >= 0 else { throw .system(errno, operation: "open", path: target.path) }
        return Descriptor(result)
    }

    /// Opens the parent directory of a target (for `*at` calls on its last component).
    func openParent(_ parent: String, of target: AuthorizedPath) throws(FileSystemError) -> Descriptor {
        let root = try opener.openDirectory(target.root)
        return try opener.open(parent, beneath: root, flags: O_RDONLY | O_DIRECTORY, displayPath: target.path)
    }

    static func requireRegularFile(_ info: stat, path: String) throws(FileSystemError) {
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard info.st_nlink <= 1 else {
                throw FileSystemError(
                    .confinement,
                    "Refused \"\(FileSystemError.shown(path))\": the file has \(info.st_nlink) hard links, and another "
                        + "name of it may be outside the allowed directories"
                )
            }
        case S_IFDIR:
            throw FileSystemError(.invalid, "\"\(FileSystemError.shown(path))\" is a directory, not a file")
        default:
            throw FileSystemError(
                .invalid,
                "\"\(FileSystemError.shown(path))\" is not a regular file (a device, FIFO or socket)"
            )
        }
    }

    /// `(parent, name)` of a client path whose last component is a real name, else `nil` (split
    /// at the last `/` byte).
    static func splitLast(_ path: String) -> (String, String)? {
        guard let (parent, name) = PathBytes.splitLast(path), !PathBytes.isDotSegment(name.utf8), name != "~",
            !name.isEmpty
        else { return nil }
        return (parent.isEmpty ? "." : parent, name)
    }

    static func denied(_ decision: PermissionDecision, _ access: PermissionManager.Access) -> FileSystemError {
        var error = FileSystemError(.denied, decision.reason(action: access.verb) ?? "Permission denied")
        error.denial = PermissionDenial(decision, access: access)
        return error
    }
}

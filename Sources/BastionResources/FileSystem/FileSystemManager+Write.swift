import BastionProtocol
import BastionSystem
public import BastionSecurity
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

extension FileSystemManager {
    /// Replaces (or creates) a file atomically: a temporary file in the same directory, written and
    /// `fsync`ed, then renamed over the name. A reader sees the old file or the new one, never a
    /// mix; a crash leaves the old file intact. The rename replaces a symlink at the last component
    /// instead of following it. An existing file keeps its permission bits; a new one gets 0644.
    /// - Parameters:
    ///   - target: An authorized path (write access).
    ///   - bytes: The new content.
    /// - Throws: ``FileSystemError``; the target is untouched when anything fails.
    public func writeAtomically(_ target: AuthorizedPath, bytes: [UInt8]) throws(FileSystemError) {
        try Self.serialized(target.path) { () throws(FileSystemError) in try writeAtomicallyNow(target, bytes: bytes) }
    }

    private func writeAtomicallyNow(_ target: AuthorizedPath, bytes: [UInt8]) throws(FileSystemError) {
        guard let (parent, name) = target.parentAndName else {
            throw FileSystemError(.invalid, "\"\(FileSystemError.shown(target.path))\" is a directory, not a file")
        }
        let directory: Descriptor
        do {
            directory = try openParent(parent, of: target)
        } catch  where error.kind == .notFound {
            throw FileSystemError(
                .notFound,
                "Cannot write \"\(FileSystemError.shown(target.path))\": its parent directory does not exist "
                    + "(create it with create_directory)"
            )
        }
        var mode: mode_t = 0o644
        var existing = stat()
        if fstatat(directory.raw, name, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
            switch existing.st_mode & S_IFMT {
            case S_IFDIR:
                throw FileSystemError(.invalid, "\"\(FileSystemError.shown(target.path))\" is a directory, not a file")
            case S_IFREG:
                // Permission bits only: a rewritten file never keeps setuid, setgid or sticky bits.
                mode = existing.st_mode & 0o777
            default:
                break
            }
        }
        let temporary = Self.temporaryName(for: name)
        let created = openat(directory.raw, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard created >= 0 else { throw .system(errno, operation: "write", path: target.path) }
        let file = Descriptor(created)
        do throws(FileSystemError) {
            try Self.writeAll(file.raw, bytes, path: target.path)
            guard fchmod(file.raw, mode) == 0, fsync(file.raw) == 0 else {
                throw FileSystemError.system(errno, operation: "write", path: target.path)
            }
            // In a workdir shared with the run_as user, the mode's group bits masked its inherited entry.
            try? PosixACL.extendInheritedEntries(descriptor: file.raw)
            guard renameat(directory.raw, temporary, directory.raw, name) == 0 else {
                throw FileSystemError.system(errno, operation: "write", path: target.path)
            }
        } catch {
            unlinkat(directory.raw, temporary, 0)
            throw error
        }
        // The rename is durable once the directory is.
        fsync(directory.raw)
    }

    /// Creates a directory and its missing parents (like `mkdir -p`), never through a symlink.
    /// Succeeds when it already exists.
    public func createDirectories(_ target: AuthorizedPath) throws(FileSystemError) {
        try Self.serialized(target.path) { () throws(FileSystemError) in try createDirectoriesNow(target) }
    }

    private func createDirectoriesNow(_ target: AuthorizedPath) throws(FileSystemError) {
        var current = try opener.openDirectory(target.root)
        for component in PathBytes.segments(target.relative) {
            let name = String(component)
            if mkdirat(current.raw, name, 0o755) == 0 {
                Self.extendInheritedEntries(name, in: current.raw)
            } else if errno != EEXIST {
                throw .system(errno, operation: "create directory", path: target.path)
            }
            current = try opener.open(
                name,
                beneath: current,
                flags: CBASTION_O_PATH | O_DIRECTORY,
                displayPath: target.path
            )
        }
    }

    /// A new directory in a workdir shared with the run_as user: its inherited ACL entry gets the
    /// owner's rights (mkdir's 0755 masked it to `r-x`, so the child could not create files in it).
    static func extendInheritedEntries(_ name: String, in parent: Int32) {
        let directory = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else { return }
        defer { close(directory) }
        try? PosixACL.extendInheritedEntries(descriptor: directory)
    }

    /// Moves or renames a file or directory; fails when the destination exists (no replacement, atomically).
    ///
    /// A directory moves only when every entry beneath it may be written both where it is and where
    /// it would land, so a move cannot carry files out of a `deny` rule or into a protected place.
    /// - Parameters:
    ///   - source: The authorized source (write access, the link itself for a symlink).
    ///   - destination: The authorized destination (write access).
    ///   - client: The caller, whose rules every moved entry must satisfy.
    ///   - maxEntries: The largest directory that may be moved.
    public func move(
        _ source: AuthorizedPath,
        to destination: AuthorizedPath,
        client: ClientContext,
        maxEntries: Int
    ) throws(FileSystemError) {
        try Self.serialized(source.path, destination.path) { () throws(FileSystemError) in
            try moveNow(source, to: destination, client: client, maxEntries: maxEntries)
        }
    }

    private func moveNow(
        _ source: AuthorizedPath,
        to destination: AuthorizedPath,
        client: ClientContext,
        maxEntries: Int
    ) throws(FileSystemError) {
        guard let (sourceParent, sourceName) = source.parentAndName else {
            throw FileSystemError(
                .invalid,
                "Cannot move \"\(FileSystemError.shown(source.path))\": it is an allowed directory itself"
            )
        }
        guard let (destinationParent, destinationName) = destination.parentAndName else {
            throw FileSystemError(
                .exists,
                "Cannot move to \"\(FileSystemError.shown(destination.path))\": it already exists"
            )
        }
        guard !FileSystemScope.contains(source.path, destination.path) || source.path == destination.path else {
            throw FileSystemError(.invalid, "Cannot move \"\(FileSystemError.shown(source.path))\" into itself")
        }
        let from = try openParent(sourceParent, of: source)
        let to = try openParent(destinationParent, of: destination)
        var info = stat()
        guard fstatat(from.raw, sourceName, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw .system(errno, operation: "move", path: source.path)
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            let directory = try opener.open(
                sourceName,
                beneath: from,
                flags: O_RDONLY | O_DIRECTORY,
                displayPath: source.path
            )
            try checkWritable(
                directory,
                at: source.path,
                alsoAt: destination.path,
                client: client,
                maxEntries: maxEntries,
                action: "move"
            )
        }
        guard cbastion_renameat2(from.raw, sourceName, to.raw, destinationName, CBASTION_RENAME_NOREPLACE) == 0 else {
            if errno == EXDEV {
                throw FileSystemError(
                    .invalid,
                    "Cannot move \"\(FileSystemError.shown(source.path))\" to another file system"
                )
            }
            throw .system(errno, operation: "move to", path: destination.path)
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            // Changes of this process inside either tree wait for the move; another process (a second
            // Bastion) could still have added an entry between the check and the rename: check the
            // tree where it landed, and put it back if anything there may not be written.
            do throws(FileSystemError) {
                let moved = try opener.open(
                    destinationName,
                    beneath: to,
                    flags: O_RDONLY | O_DIRECTORY,
                    displayPath: destination.path
                )
                try checkWritable(moved, at: destination.path, client: client, maxEntries: maxEntries, action: "move")
            } catch {
                _ = cbastion_renameat2(to.raw, destinationName, from.raw, sourceName, CBASTION_RENAME_NOREPLACE)
                throw error
            }
        }
        fsync(from.raw)
        if sourceParent != destinationParent { fsync(to.raw) }
    }

    /// Deletes a file or symlink, or a directory with `recursive`; every entry beneath must be
    /// writable for the client, or nothing is deleted.
    /// - Parameters:
    ///   - target: The authorized path (write access, the link itself for a symlink).
    ///   - recursive: Whether a directory and its content go.
    ///   - client: The caller, whose rules every deleted entry must satisfy.
    ///   - maxEntries: The largest directory that may be deleted.
    /// - Returns: How many entries were removed.
    @discardableResult
    public func delete(
        _ target: AuthorizedPath,
        recursive: Bool,
        client: ClientContext,
        maxEntries: Int
    ) throws(FileSystemError) -> Int {
        try Self.serialized(target.path) { () throws(FileSystemError) -> Int in
            try deleteNow(target, recursive: recursive, client: client, maxEntries: maxEntries)
        }
    }

    private func deleteNow(
        _ target: AuthorizedPath,
        recursive: Bool,
        client: ClientContext,
        maxEntries: Int
    ) throws(FileSystemError) -> Int {
        guard let (parent, name) = target.parentAndName else {
            throw FileSystemError(
                .invalid,
                "Cannot delete \"\(FileSystemError.shown(target.path))\": it is an allowed directory itself"
            )
        }
        let directory = try openParent(parent, of: target)
        var info = stat()
        guard fstatat(directory.raw, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw .system(errno, operation: "delete", path: target.path)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            guard unlinkat(directory.raw, name, 0) == 0 else {
                throw .system(errno, operation: "delete", path: target.path)
            }
            return 1
        }
        guard recursive else {
            if unlinkat(directory.raw, name, AT_REMOVEDIR) == 0 { return 1 }
            if errno == ENOTEMPTY || errno == EEXIST {
                throw FileSystemError(
                    .invalid,
                    "\"\(FileSystemError.shown(target.path))\" is a directory that is not empty; pass recursive: true to delete it with its content"
                )
            }
            throw .system(errno, operation: "delete", path: target.path)
        }
        let opened = try opener.open(name, beneath: directory, flags: O_RDONLY | O_DIRECTORY, displayPath: target.path)
        try checkWritable(opened, at: target.path, client: client, maxEntries: maxEntries, action: "delete")
        let removed = try removeContents(of: opened, path: target.path, bytes: Array(target.path.utf8), client: client)
        guard unlinkat(directory.raw, name, AT_REMOVEDIR) == 0 else {
            throw .system(errno, operation: "delete", path: target.path)
        }
        return removed + 1
    }

    /// Checks that the client may write every entry beneath a directory, where it is and, for a
    /// move, where it would land; never follows links; refuses trees over `maxEntries`.
    private func checkWritable(
        _ directory: Descriptor,
        at path: String,
        alsoAt destination: String? = nil,
        client: ClientContext,
        maxEntries: Int,
        action: String
    ) throws(FileSystemError) {
        var count = 0
        let bases = [path, destination].compactMap { $0 }
        // Each entry is decided on its raw name, below each base, as walks decide (once per
        // directory where no rule tells its entries apart): a whole-path match per entry made deep
        // trees quadratic. Relative paths are kept as raw bytes, never as display names.
        let walks = bases.map { client.walkPermissions(.write, below: Array($0.utf8)) }
        var stack: [(Descriptor, [UInt8], [WalkPermissions])] = [(directory, [], walks)]
        while let (current, prefix, permissions) = stack.popLast() {
            for entry in try DirectoryReader.entries(of: current, path: path) {
                if Task.isCancelled { throw Self.cancelled(path, removed: 0) }
                count += 1
                guard count <= maxEntries else {
                    throw FileSystemError(
                        .limit,
                        "Refused to \(action) \"\(FileSystemError.shown(path))\": it holds more than \(maxEntries) entries"
                    )
                }
                var relative = prefix
                if !relative.isEmpty { relative.append(0x2F) }
                entry.withNameBytes { relative.append(contentsOf: $0) }
                for (base, walk) in zip(bases, permissions) where !entry.withNameBytes({ walk.isAllowed($0) }) {
                    // The reference decision, for the refusal's reason (and the last word).
                    let decision = Self.writeDecision(client, Array(base.utf8) + [0x2F] + relative)
                    guard decision.isAllowed else { throw Self.denied(decision, .write) }
                }
                if entry.kind == .directory {
                    let child = try opener.open(
                        entry,
                        in: current,
                        flags: O_RDONLY | O_DIRECTORY,
                        displayPath: path + "/" + String(decoding: relative, as: UTF8.self)
                    )
                    stack.append((child, relative, permissions.map { walk in entry.withNameBytes { walk.entering($0) } }))
                }
            }
        }
    }

    /// The write decision on an entry's canonical path as raw bytes, and, when those are not UTF-8,
    /// on the form a link to the same file would resolve to (invalid bytes as U+FFFD), as walks do.
    private static func writeDecision(_ client: ClientContext, _ path: [UInt8]) -> PermissionDecision {
        let decision = client.check(.write, canonicalBytes: path)
        guard decision.isAllowed else { return decision }
        let lossy = String(decoding: path, as: UTF8.self)
        guard !lossy.utf8.elementsEqual(path) else { return decision }
        return client.check(.write, canonicalPath: lossy)
    }

    /// Removes everything inside a directory, depth first, never following links; each entry is
    /// checked again as it goes (another process may have added one since the tree was checked).
    private func removeContents(
        of directory: Descriptor,
        path: String,
        bytes: [UInt8],
        client: ClientContext,
        permissions: WalkPermissions? = nil
    ) throws(FileSystemError) -> Int {
        let permissions = permissions ?? client.walkPermissions(.write, below: bytes)
        var removed = 0
        for entry in try DirectoryReader.entries(of: directory, path: path) {
            // A cancelled call (the client's cancel, its deadline, shutdown) stops between entries:
            // a large tree must not keep the server from stopping, nor go on being deleted.
            if Task.isCancelled { throw Self.cancelled(path, removed: removed) }
            let childPath = PathBytes.join(path, entry.name)  // path-bytes: display and errors only
            // Decided on raw bytes: `path` and `entry.name` are display forms of them.
            var childBytes = bytes
            childBytes.append(0x2F)
            entry.withNameBytes { childBytes.append(contentsOf: $0) }
            if !entry.withNameBytes({ permissions.isAllowed($0) }) {
                let decision = Self.writeDecision(client, childBytes)
                guard decision.isAllowed else { throw Self.denied(decision, .write) }
            }
            if entry.kind == .directory {
                let child = try opener.open(
                    entry,
                    in: directory,
                    flags: O_RDONLY | O_DIRECTORY,
                    displayPath: childPath
                )
                removed += try removeContents(
                    of: child,
                    path: childPath,
                    bytes: childBytes,
                    client: client,
                    permissions: entry.withNameBytes { permissions.entering($0) }
                )
                guard unlinkat(directory.raw, entry.rawName, AT_REMOVEDIR) == 0 else {
                    throw .system(errno, operation: "delete", path: childPath)
                }
            } else {
                guard unlinkat(directory.raw, entry.rawName, 0) == 0 else {
                    throw .system(errno, operation: "delete", path: childPath)
                }
            }
            removed += 1
        }
        return removed
    }

    /// The error of a tree operation stopped by cancellation, saying how far it got.
    static func cancelled(_ path: String, removed: Int) -> FileSystemError {
        FileSystemError(
            .limit,
            "Stopped \"\(FileSystemError.shown(path))\": the call was cancelled"
                + (removed > 0 ? " after \(removed) entries below it were deleted" : "; nothing was changed")
        )
    }

    /// `.<name>.bastion-<random>.tmp`, short enough for any file system.
    static func temporaryName(for name: String) -> String {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let base = name.utf8.count > 180 ? "" : name
        return ".\(base).bastion-\(suffix).tmp"
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        if let code = bytes.withUnsafeBytes({ FileDescriptorIO.writeAll(descriptor, $0) }) {
            throw .system(code, operation: "write", path: path)
        }
    }
}

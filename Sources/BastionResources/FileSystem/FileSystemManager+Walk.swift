public import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

extension FileSystemManager {
    /// What a walk reports, in depth-first order with entries sorted by name.
    public enum WalkEvent: Sendable {
        /// A file, symlink or special file (never followed), with the directory that holds it (for
        /// ``FileSystemManager/openRegularFile(_:in:path:)``).
        case entry(relative: String, DirectoryReader.Entry, directory: Descriptor)
        /// A directory; the visitor's answer decides whether it is entered.
        case enter(relative: String, DirectoryReader.Entry)
        /// The end of a directory that was entered.
        case leave(relative: String)
    }

    /// What the visitor wants next.
    public enum WalkAnswer: Sendable {
        /// Go on (and enter the directory, for `.enter`).
        case proceed
        /// Skip this directory's content (for `.enter`; same as `.proceed` otherwise).
        case skip
        /// Stop the walk.
        case stop
    }

    /// How a walk ended.
    public struct WalkSummary: Sendable, Hashable {
        /// Entries reported.
        public var entries = 0
        /// Whether the entry limit cut the walk short.
        public var reachedLimit = false
        /// Whether the visitor stopped it.
        public var wasStopped = false
        /// Entries hidden because the client may not read them (`deny` rules).
        public var hidden = 0
        /// Directories not entered because they were deeper than the depth limit.
        public var tooDeep = 0
    }

    /// Walks a directory tree beneath an authorized directory, never following links and never
    /// reporting an entry the client may not read.
    /// - Parameters:
    ///   - target: An authorized directory (read access).
    ///   - client: The caller; entries its rules deny are hidden.
    ///   - maxEntries: Entries reported at most.
    ///   - maxDepth: Directory levels entered at most.
    ///   - visit: Called for each event; runs on the caller's thread.
    /// - Returns: How the walk ended.
    public func walk(
        _ target: AuthorizedPath,
        client: ClientContext,
        maxEntries: Int,
        maxDepth: Int = 128,
        visit: (WalkEvent) -> WalkAnswer
    ) throws(FileSystemError) -> WalkSummary {
        let directory = try open(target, flags: O_RDONLY | O_DIRECTORY)
        var summary = WalkSummary()
        let limits = WalkLimits(maxEntries: maxEntries, maxDepth: maxDepth)
        _ = try walk(
            directory,
            path: target.path,
            relative: "",
            depth: 0,
            permissions: client.walkPermissions(.read, below: Array(target.path.utf8)),
            limits: limits,
            summary: &summary,
            visit: visit
        )
        return summary
    }

    /// A walk's bounds.
    private struct WalkLimits {
        var maxEntries: Int
        var maxDepth: Int
    }

    /// Returns `false` when the walk must end.
    private func walk(
        _ directory: Descriptor,
        path: String,
        relative: String,
        depth: Int,
        permissions: WalkPermissions,
        limits: WalkLimits,
        summary: inout WalkSummary,
        visit: (WalkEvent) -> WalkAnswer
    ) throws(FileSystemError) -> Bool {
        // Read only as many entries as the walk may still report (one more says it was cut). Each
        // is decided on its raw name below the directory's canonical bytes, never on `name`.
        let listing = try DirectoryReader.entries(
            of: directory,
            path: path,
            limit: max(0, limits.maxEntries - summary.entries)
        ) { entry -> DirectoryReader.Entry? in
            entry.withNameBytes { permissions.isAllowed($0) } ? entry : nil
        }
        summary.hidden += listing.excluded
        for entry in DirectoryReader.sortedByName(listing.items) {
            guard summary.entries < limits.maxEntries else {
                summary.reachedLimit = true
                return false
            }
            summary.entries += 1
            let childRelative = relative.isEmpty ? entry.name : relative + "/" + entry.name
            guard entry.kind == .directory else {
                if case .stop = visit(.entry(relative: childRelative, entry, directory: directory)) {
                    summary.wasStopped = true
                    return false
                }
                continue
            }
            switch visit(.enter(relative: childRelative, entry)) {
            case .stop:
                summary.wasStopped = true
                return false
            case .skip:
                continue
            case .proceed:
                break
            }
            var keepGoing = true
            if depth + 1 >= limits.maxDepth {
                summary.tooDeep += 1
            } else {
                // path-bytes: the display path, for errors; decisions use the raw name (`permissions`)
                let childPath = PathBytes.join(path, entry.name)
                // A directory that vanished or was swapped for a link since it was listed is skipped.
                if let child = try? opener.open(
                    entry,
                    in: directory,
                    flags: O_RDONLY | O_DIRECTORY,
                    displayPath: childPath
                ) {
                    keepGoing = try walk(
                        child,
                        path: childPath,
                        relative: childRelative,
                        depth: depth + 1,
                        permissions: entry.withNameBytes { permissions.entering($0) },
                        limits: limits,
                        summary: &summary,
                        visit: visit
                    )
                }
            }
            if case .stop = visit(.leave(relative: childRelative)) {
                summary.wasStopped = true
                return false
            }
            if !keepGoing { return false }
        }
        if listing.isTruncated {
            summary.reachedLimit = true
            return false
        }
        return true
    }

    /// The entries of an authorized directory that the client may read, sorted by name; the
    /// directory is read only up to `maxEntries` of them.
    /// - Parameters:
    ///   - target: An authorized directory (read access).
    ///   - client: The caller; entries its rules deny are hidden.
    ///   - withStatus: Whether to fill each entry's size and modification time (one `fstatat` each).
    ///   - maxEntries: The most entries returned; the read stops there (a cut listing is then of the
    ///     first entries the file system returned, sorted, not of the whole directory).
    /// - Returns: The entries, how many were hidden by the client's rules (among those read), and
    ///   whether the listing was cut at `maxEntries`.
    public func list(
        _ target: AuthorizedPath,
        client: ClientContext,
        withStatus: Bool = false,
        maxEntries: Int = .max
    ) throws(FileSystemError) -> (entries: [DirectoryReader.Entry], hidden: Int, isTruncated: Bool) {
        let directory = try open(target, flags: O_RDONLY | O_DIRECTORY)
        let permissions = client.walkPermissions(.read, below: Array(target.path.utf8))
        let listing = try DirectoryReader.entries(of: directory, path: target.path, limit: maxEntries) {
            entry -> DirectoryReader.Entry? in
            // On the raw name below the directory's canonical bytes, never on `name`.
            guard entry.withNameBytes({ permissions.isAllowed($0) }) else { return nil }
            var entry = entry
            var info = stat()
            if withStatus, fstatat(directory.raw, entry.rawName, &info, AT_SYMLINK_NOFOLLOW) == 0 {
                entry.size = Int64(info.st_size)
                entry.modified = Int64(info.st_mtim.tv_sec)
            }
            return entry
        }
        let entries = DirectoryReader.sortedByName(listing.items)
        return (entries, listing.excluded, listing.isTruncated)
    }
}

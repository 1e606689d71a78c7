import BastionSecurity
import CBastionLinux

#if canImport(Glibc)
import Glibc
#endif

/// What a child's minimal root is made of (``SandboxPolicy/minimalRoot``): the bind mounts,
/// parents first, and the directories bound whole whose unlisted entries are then masked.
///
/// `/etc` arrives entry by entry (about 150 on a desktop: Landlock cannot carve a file out of a
/// directory). Two mounts each made the minimal root cost several milliseconds per run, so a
/// directory holding many listed entries is bound once and every entry not listed is masked
/// instead (a dozen or so: the secret ones, Bastion's own). Landlock's rules stay per entry, so an
/// entry created there later is visible in the tree but unreadable.
struct MinimalRootPlan {
    /// Bind mounts, parents first: read-only unless writable.
    var binds: [(path: String, writable: Bool)]
    /// Directories bound whole, each with the read paths listed inside it.
    var collapsed: [(directory: String, listed: [String])]

    /// How many listed entries make a directory bound whole.
    static let collapseThreshold = 8

    /// The plan of a policy: read paths and the executable read-only, write
    /// paths read-write (a path given twice is writable if either says so); nothing in `/proc`,
    /// which is mounted apart (a procfs of its own, or a bind of the old one).
    init(_ policy: SandboxPolicy) {
        // Never the working directory: inside a bound path it is there already, and binding it
        // again by path let a sibling run swap it for a link out between plan and mount (review
        // 5, finding 1); outside every bound path it does not exist, and `chdir` fails the run.
        // A prepared policy has no executable yet: its read paths cover the one it gets.
        let executable = policy.awaitsLaunch ? [] : [policy.executable]
        let reads = (policy.readPaths + executable).filter { !PathBytes.isWithin($0, "/proc") }
        let collapsed = Self.collapsible(reads)
        var writable: [String: Bool] = [:]
        for path in reads {
            let directory = collapsed.first { PathBytes.isWithin(path, $0) && !PathBytes.equal(path, $0) }
            let bound = directory ?? path
            if writable[bound] == nil { writable[bound] = false }
        }
        // A device (`/dev/null`) is written through a read-only bind all the same; bound writable,
        // a uid-0 child could `chmod` or `touch` the host's node (review 9, finding 10).
        for path in policy.writePaths { writable[path] = !PathBytes.isWithin(path, "/dev") }
        // A path inside another bound path is there already (a read-only one inside anything, a
        // writable one inside a writable one); binding it again would resolve a path a sibling run
        // may be changing. A writable path inside a read-only one is bound: its source is outside
        // every write path but its own.
        for (path, isWritable) in writable {
            let covered = writable.contains { other, otherWritable in
                !PathBytes.equal(other, path) && PathBytes.isWithin(path, other) && (otherWritable || !isWritable)
            }
            if covered { writable[path] = nil }
        }
        binds = writable.map { (path: $0.key, writable: $0.value) }.sorted { lhs, rhs in
            lhs.path.utf8.count != rhs.path.utf8.count
                ? lhs.path.utf8.count < rhs.path.utf8.count
                : Array(lhs.path.utf8).lexicographicallyPrecedes(rhs.path.utf8)
        }
        self.collapsed = collapsed.map { directory in
            (
                directory,
                (reads + policy.writePaths).filter {
                    PathBytes.isWithin($0, directory) && !PathBytes.equal($0, directory)
                }
            )
        }
    }

    /// Parents (never `/`) of at least ``collapseThreshold`` listed paths that lie in no listed path.
    static func collapsible(_ reads: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for path in reads {
            guard let (parent, _) = PathBytes.splitLast(path), !PathBytes.equal(parent, "/") else { continue }
            counts[parent, default: 0] += 1
        }
        return counts.filter { parent, count in
            count >= collapseThreshold && !reads.contains { PathBytes.isWithin(parent, $0) }
        }.keys.sorted()
    }

    /// In the new root: masks every entry of each collapsed directory that is not listed (a
    /// symbolic link stays: it leads only where a listed path or nothing is); an entry with listed
    /// paths beneath it is entered instead (`/etc/ssl`, for `/etc/ssl/certs`).
    /// - Returns: The paths masked.
    func maskUnlisted() throws(SandboxError) -> [String] {
        var masked: [String] = []
        for (directory, listed) in collapsed {
            // Bytes, not `String`s (which compare under canonical equivalence), in sets: one lookup
            // per entry instead of a scan of every listed path.
            let exact = Set(listed.map { Array($0.utf8) })
            var ancestors: Set<[UInt8]> = []
            for path in listed {
                var current = path
                while let (parent, _) = PathBytes.splitLast(current), !PathBytes.equal(parent, "/") {
                    ancestors.insert(Array(parent.utf8))
                    current = parent
                }
            }
            try Self.mask(in: directory, exact: exact, ancestors: ancestors, into: &masked)
        }
        return masked
    }

    private static func mask(
        in directory: String,
        exact: Set<[UInt8]>,
        ancestors: Set<[UInt8]>,
        into masked: inout [String]
    ) throws(SandboxError) {
        guard let stream = opendir(directory) else {
            throw SandboxError(
                message: "listing \(directory) in the minimal root: \(SandboxSystemCall.errorText())",
                step: .mounts
            )
        }
        var names: [String] = []
        while let entry = readdir(stream) {
            // A name that is not UTF-8 cannot be given back as a path to mask: fail closed.
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.withMemoryRebound(to: CChar.self) { String(validatingCString: $0.baseAddress!) }
            }
            guard let entryName else {
                closedir(stream)
                throw SandboxError(
                    message: "\(directory) holds a name that is not UTF-8; it cannot be masked",
                    step: .mounts
                )
            }
            if entryName != ".", entryName != ".." { names.append(entryName) }
        }
        closedir(stream)
        for entryName in names {
            let path = PathBytes.join(directory, entryName)
            let bytes = Array(path.utf8)
            if exact.contains(bytes) { continue }
            if ancestors.contains(bytes) {
                try mask(in: path, exact: exact, ancestors: ancestors, into: &masked)
                continue
            }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                throw SandboxError(
                    message: "inspecting \(path) in the minimal root: \(SandboxSystemCall.errorText())",
                    step: .mounts
                )
            }
            if (info.st_mode & S_IFMT) == S_IFLNK { continue }
            try SandboxSystemCall.check(.mounts, "masking \(path)") { cbastion_hide_path(path) }
            masked.append(path)
        }
    }
}

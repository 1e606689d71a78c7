import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The call-level permission engine: may this client read, write or execute this path?
///
/// Paths are canonicalized (``PathCanonicalizer``) before any glob is consulted. The order of the
/// checks is: `read_only` (writes and execution), Bastion's own files, the built-in protected list
/// (writes), the client's `deny` globs (everything), then the grants.
///
/// The manager is the registry of every configured client's ``ClientPermissions``: each holds the
/// client's compiled rules and decision cache behind its own lock, so no lock on a call's path is
/// shared between clients (a context keeps its client's instance; the by-id methods here look it
/// up first, for tests and tools). A cache hit costs one uncontended lock and one dictionary
/// lookup and makes no system call. ``replaceRules(_:)`` (configuration reload) swaps each
/// client's rules and empties its cache; a cached decision also expires after ``cacheLifetime``
/// (1 s by default), so a symlink changed on disk is noticed within that time. The file-system
/// layer must still refuse symlinks at the system call itself.
public final class PermissionManager: Sendable {
    /// A decision and the canonical path it was made on.
    public struct Resolution: Sendable, Hashable {
        /// Allowed, or why not.
        public var decision: PermissionDecision
        /// The canonical absolute path that was checked; `nil` when the path was not acceptable.
        /// File-system code must open exactly this path, refusing symlinks at the system call.
        public var canonicalPath: String?
    }

    /// How many decisions are kept per client before the cache is cleared.
    public let cacheCapacity: Int
    /// How long a cached decision is trusted.
    public let cacheLifetime: Duration
    private let lifetimeNanoseconds: UInt64
    private let protected: CompiledRules.Protected
    /// Every client ever configured, by id; an entry outlives its client (its rules become `nil`),
    /// so a connection that still holds it is denied everything. Locked on connect and reload only.
    private let clients: Mutex<[String: ClientPermissions]>

    /// Creates a manager.
    /// - Parameters:
    ///   - protectedPaths: Bastion's own files (configuration, keys, audit logs) that no client may
    ///     read or write; files starting with the same name in the same directory (rotated logs,
    ///     chain heads) are covered too. The built-in protected list (shell start-up files, …) is
    ///     refused for writing whatever this holds.
    ///   - runtimePaths: The files and directories the server executes (its binary, its shared
    ///     libraries and their non-system directories): readable as granted, never writable.
    ///   - rules: Each client's rules, by client id.
    ///   - cacheCapacity: Decisions kept per client (4096 by default).
    ///   - cacheLifetime: How long a cached decision is trusted (1 s by default).
    /// - Throws: ``PermissionParseError`` for a bad glob, workdir or protected path.
    public init(
        protectedPaths: [String],
        runtimePaths: [String] = [],
        rules: [String: ClientRules],
        cacheCapacity: Int = 4096,
        cacheLifetime: Duration = .seconds(1)
    ) throws(PermissionParseError) {
        var builtIn: [GlobPattern] = []
        for glob in Self.builtInProtectedGlobs { builtIn.append(try GlobPattern(glob)) }
        builtIn += try Self.compileRuntime(runtimePaths)
        self.protected = CompiledRules.Protected(own: try Self.compileOwn(protectedPaths), builtIn: builtIn)
        self.cacheCapacity = max(1, cacheCapacity)
        self.cacheLifetime = cacheLifetime
        let (seconds, attoseconds) = cacheLifetime.components
        self.lifetimeNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        self.clients = Mutex([:])
        let compiled = try compile(rules)
        clients.withLock { clients in
            for (id, rules) in compiled { clients[id] = makeClient(id, rules) }
        }
    }

    /// Replaces every client's rules (configuration reload) and clears their cached decisions.
    ///
    /// The new rules are compiled first; when one is bad, the old rules stay in force. Then each
    /// client's rules are swapped in one step of its own lock. A client that is no longer
    /// configured loses its rules for good: its open connections keep that empty state and are
    /// denied everything, and a client configured again under the same id gets a fresh state,
    /// which those connections never see.
    /// - Parameter rules: Each client's new rules, by client id.
    /// - Throws: ``PermissionParseError`` for a bad glob or workdir.
    public func replaceRules(_ rules: [String: ClientRules]) throws(PermissionParseError) {
        let compiled = try compile(rules)
        clients.withLock { clients in
            for (id, client) in clients where compiled[id] == nil {
                client.replace(nil)
                clients[id] = nil
            }
            for (id, rules) in compiled {
                if let client = clients[id] {
                    client.replace(rules)
                } else {
                    clients[id] = makeClient(id, rules)
                }
            }
        }
    }

    /// The permission state of a client, shared by all its connections.
    ///
    /// An id that was never configured gets a state of its own with no rules (everything denied),
    /// which a later reload does not reach: fail closed.
    /// - Parameter id: The client id.
    /// - Returns: The client's state.
    public func client(_ id: String) -> ClientPermissions {
        clients.withLock { $0[id] } ?? makeClient(id, nil)
    }

    /// Decides whether a client may access a path (see ``ClientPermissions/check(_:path:)``).
    /// - Parameters:
    ///   - client: The client id.
    ///   - access: Read, write, or execute with the command as asked for.
    ///   - path: The path as given (absolute, relative to the workdir, or `~/…`); for `execute`,
    ///     the executable file (resolved by the caller from the server's `PATH`).
    /// - Returns: `.allow`, or a denial naming the permission or rule and the canonical path.
    public func check(client: String, access: Access, path: String) -> PermissionDecision {
        self.client(client).check(access, path: path)
    }

    /// Canonicalizes a path and decides whether a client may access it (see ``ClientPermissions/resolve(_:path:)``).
    /// - Parameters:
    ///   - client: The client id.
    ///   - access: Read, write, or execute.
    ///   - path: The path as given.
    /// - Returns: The decision and the canonical path it applies to.
    public func resolve(client: String, access: Access, path: String) -> Resolution {
        self.client(client).resolve(access, path: path)
    }

    /// Decides on a path that is already canonical (see ``ClientPermissions/check(_:canonicalPath:)``).
    /// - Parameters:
    ///   - client: The client id.
    ///   - access: Read, write, or execute.
    ///   - canonicalPath: An absolute path without `.`, `..` or symlinks in its directory part.
    /// - Returns: `.allow` or a denial.
    public func check(client: String, access: Access, canonicalPath: String) -> PermissionDecision {
        self.client(client).check(access, canonicalPath: canonicalPath)
    }

    /// The directories under which a client's grants can match, per access: the fixed (wildcard-free)
    /// leading directories of its globs. The file-system layer opens paths *beneath* one of these
    /// with the kernel's help, so a mistake in glob logic still cannot leave them.
    /// - Parameter client: The client id.
    /// - Returns: Canonical directories for reading and for writing (empty for an unknown client).
    public func scopeRoots(client: String) -> (read: [String], write: [String]) {
        self.client(client).scopeRoots
    }

    /// How many decisions are cached for a client (for tests and diagnostics).
    func cachedCount(client: String) -> Int {
        self.client(client).cachedCount
    }

    private func makeClient(_ id: String, _ rules: CompiledRules?) -> ClientPermissions {
        ClientPermissions(
            id: id,
            rules: rules,
            isCallLevelEnabled: true,
            cacheCapacity: cacheCapacity,
            lifetime: lifetimeNanoseconds
        )
    }

    private func compile(_ rules: [String: ClientRules]) throws(PermissionParseError) -> [String: CompiledRules] {
        var compiled: [String: CompiledRules] = [:]
        for (id, client) in rules { compiled[id] = try CompiledRules(client, protected: protected) }
        return compiled
    }

    /// The permission a denial names: the one that would have allowed this exact path or command.
    static func neededPermission(_ access: Access, outsideScope: Bool, path: String) -> Permission {
        switch access {
        case .read: return .fileRead(glob: GlobPattern.escaped(path))
        case .write:
            return outsideScope ? .fileWriteGlobal(glob: GlobPattern.escaped(path)) : .fileWrite(glob: nil)
        case .execute(let command): return .systemCommand(pattern: GlobPattern.escaped(command))
        }
    }

    /// A cheap monotonic clock (the coarse clock on Linux: a vDSO read, a few nanoseconds).
    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &spec)
        #else
        clock_gettime(CLOCK_MONOTONIC, &spec)
        #endif
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

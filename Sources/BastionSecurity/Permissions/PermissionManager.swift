import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The call-level permission engine: may this client read, write or execute this path?
///
/// Paths are canonicalized (``PathCanonicalizer``) before any glob is consulted. The order of the
/// checks is: `read_only` (writes and execution), the built-in protected list (writes), the
/// client's `deny` globs (everything), then the grants. Decisions are cached per client under the
/// *input* path and access, so a cache hit costs one lock and one dictionary lookup and makes no
/// system call. A cached decision is dropped when ``replaceRules(_:)`` runs (configuration reload)
/// and after ``cacheLifetime`` (1 s by default), so a symlink changed on disk is noticed within
/// that time. The file-system layer must still refuse symlinks at the system call itself.
public final class PermissionManager: Sendable {
    struct CacheKey: Hashable {
        var access: Access
        var path: String
    }

    struct CacheEntry {
        var resolution: Resolution
        var expires: UInt64
    }

    /// A decision and the canonical path it was made on.
    public struct Resolution: Sendable, Hashable {
        /// Allowed, or why not.
        public var decision: PermissionDecision
        /// The canonical absolute path that was checked; `nil` when the path was not acceptable.
        /// File-system code must open exactly this path, refusing symlinks at the system call.
        public var canonicalPath: String?
    }

    struct ClientState {
        var rules: CompiledRules
        var cache: [CacheKey: CacheEntry] = [:]
    }

    enum Lookup {
        case hit(Resolution)
        case miss(UInt64, CompiledRules)
        case unknownClient
    }

    struct State {
        var generation: UInt64 = 0
        var clients: [String: ClientState] = [:]
    }

    /// How many decisions are kept per client before the cache is cleared.
    public let cacheCapacity: Int
    /// How long a cached decision is trusted.
    public let cacheLifetime: Duration
    private let lifetimeNanoseconds: UInt64
    private let protected: [GlobPattern]
    /// Bastion's own files: no client may read or write them.
    private let own: [GlobPattern]
    private let state: Mutex<State>

    /// Creates a manager.
    /// - Parameters:
    ///   - protectedPaths: Bastion's own files (configuration, keys, audit logs) that no client may
    ///     read or write; files starting with the same name in the same directory (rotated logs,
    ///     chain heads) are covered too. The built-in protected list (shell start-up files, …) is
    ///     refused for writing whatever this holds.
    ///   - rules: Each client's rules, by client id.
    ///   - cacheCapacity: Decisions kept per client (4096 by default).
    ///   - cacheLifetime: How long a cached decision is trusted (1 s by default).
    /// - Throws: ``PermissionParseError`` for a bad glob, workdir or protected path.
    public init(
        protectedPaths: [String],
        rules: [String: ClientRules],
        cacheCapacity: Int = 4096,
        cacheLifetime: Duration = .seconds(1)
    ) throws(PermissionParseError) {
        self.protected = try Self.builtInProtectedGlobs.map { glob throws(PermissionParseError) in try GlobPattern(glob)
        }
        self.own = try Self.compileOwn(protectedPaths)
        self.cacheCapacity = max(1, cacheCapacity)
        self.cacheLifetime = cacheLifetime
        let (seconds, attoseconds) = cacheLifetime.components
        self.lifetimeNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        self.state = Mutex(State(clients: try Self.compile(rules)))
    }

    /// Replaces every client's rules (configuration reload) and clears all cached decisions.
    ///
    /// The new rules are compiled first; when one is bad, the old rules stay in force.
    /// - Parameter rules: Each client's new rules, by client id.
    /// - Throws: ``PermissionParseError`` for a bad glob or workdir.
    public func replaceRules(_ rules: [String: ClientRules]) throws(PermissionParseError) {
        let compiled = try Self.compile(rules)
        state.withLock { state in
            state.generation &+= 1
            state.clients = compiled
        }
    }

    /// Decides whether a client may access a path.
    /// - Parameters:
    ///   - client: The client id.
    ///   - access: Read, write, or execute with the command as asked for.
    ///   - path: The path as given (absolute, relative to the workdir, or `~/…`); for `execute`,
    ///     the executable file (resolved by the caller from the server's `PATH`).
    /// - Returns: `.allow`, or a denial naming the permission or rule and the canonical path.
    public func check(client: String, access: Access, path: String) -> PermissionDecision {
        resolve(client: client, access: access, path: path).decision
    }

    /// Canonicalizes a path and decides whether a client may access it (cached like ``check(client:access:path:)``).
    /// - Parameters:
    ///   - client: The client id.
    ///   - access: Read, write, or execute.
    ///   - path: The path as given.
    /// - Returns: The decision and the canonical path it applies to.
    public func resolve(client: String, access: Access, path: String) -> Resolution {
        let now = Self.monotonicNanoseconds()
        let key = CacheKey(access: access, path: path)
        let lookup = state.withLock { state -> Lookup in
            guard let client = state.clients[client] else { return .unknownClient }
            if let entry = client.cache[key], entry.expires > now { return .hit(entry.resolution) }
            return .miss(state.generation, client.rules)
        }
        let generation: UInt64
        let rules: CompiledRules
        switch lookup {
        case .hit(let resolution): return resolution
        case .unknownClient:
            let denial = PermissionDecision.missing(
                Self.neededPermission(access, outsideScope: true, path: path),
                target: path
            )
            return Resolution(decision: denial, canonicalPath: nil)
        case .miss(let current, let compiled): (generation, rules) = (current, compiled)
        }
        let resolution = resolve(rules, access, path)
        state.withLock { state in
            guard state.generation == generation, state.clients[client] != nil else { return }
            if state.clients[client]?.cache.count ?? 0 >= cacheCapacity {
                state.clients[client]?.cache.removeAll(keepingCapacity: true)
            }
            state.clients[client]?.cache[key] = CacheEntry(resolution: resolution, expires: now &+ lifetimeNanoseconds)
        }
        return resolution
    }

    /// Decides on a path that is already canonical, without touching the file system or the cache:
    /// for directory walks (which never follow symlinks) and for the link itself when a call acts
    /// on a symlink rather than its target (delete, move).
    /// - Parameters:
    ///   - client: The client id.
    ///   - access: Read, write, or execute.
    ///   - canonicalPath: An absolute path without `.`, `..` or symlinks in its directory part.
    /// - Returns: `.allow` or a denial.
    public func check(client: String, access: Access, canonicalPath: String) -> PermissionDecision {
        guard let rules = state.withLock({ $0.clients[client]?.rules }) else {
            return .missing(
                Self.neededPermission(access, outsideScope: true, path: canonicalPath),
                target: canonicalPath
            )
        }
        return decide(rules, access, canonicalPath: canonicalPath)
    }

    /// The directories under which a client's grants can match, per access: the fixed (wildcard-free)
    /// leading directories of its globs. The file-system layer opens paths *beneath* one of these
    /// with the kernel's help, so a mistake in glob logic still cannot leave them.
    /// - Parameter client: The client id.
    /// - Returns: Canonical directories for reading and for writing (empty for an unknown client).
    public func scopeRoots(client: String) -> (read: [String], write: [String]) {
        guard let rules = state.withLock({ $0.clients[client]?.rules }) else { return ([], []) }
        return (rules.readRoots, rules.writeRoots)
    }

    /// How many decisions are cached for a client (for tests and diagnostics).
    func cachedCount(client: String) -> Int {
        state.withLock { $0.clients[client]?.cache.count ?? 0 }
    }

    // MARK: - Deciding

    func resolve(_ rules: CompiledRules, _ access: Access, _ input: String) -> Resolution {
        let path: String
        do {
            path = try PathCanonicalizer.canonical(input, relativeTo: rules.workdir, home: rules.home)
        } catch {
            let denial = PermissionDecision.invalidPath(
                input,
                problem: "the path is not acceptable (empty, NUL byte, too long, or a symlink loop)"
            )
            return Resolution(decision: denial, canonicalPath: nil)
        }
        return Resolution(decision: decide(rules, access, canonicalPath: path), canonicalPath: path)
    }

    func decide(_ rules: CompiledRules, _ access: Access, canonicalPath path: String) -> PermissionDecision {
        if access != .read, rules.isReadOnly { return .readOnly(target: path) }
        // Defence in depth: canonical paths have no empty, `.` or `..` segment (checked on bytes).
        guard PathBytes.isNormalAbsolute(path) else {
            return .invalidPath(path, problem: "the path is not in canonical form")
        }
        if let rule = own.first(where: { $0.matches(path) }) { return .protected(rule.pattern, target: path) }
        if access == .write, let rule = protected.first(where: { $0.matches(path) }) {
            return .protected(rule.pattern, target: path)
        }
        if let rule = rules.deny.first(where: { $0.matches(path) }) { return .denyRule(rule.pattern, target: path) }
        let isGranted: Bool
        switch access {
        case .read:
            isGranted = rules.reads.contains { $0.matches(path) }
        case .write:
            isGranted = rules.writes.contains { $0.matches(path) } || rules.globalWrites.contains { $0.matches(path) }
        case .execute(let command):
            // A bare name is matched by name (it was looked up in the server's PATH); a command
            // given as a path is matched only by its canonical path.
            let isBareName = !command.isEmpty && !command.contains("/")
            isGranted =
                (isBareName && rules.commandNames.contains { $0.matches("/" + command) })
                || rules.commandPaths.contains { $0.matches(path) }
        }
        if isGranted { return .allow }
        let outsideScope = !PathBytes.isWithin(path, rules.workdir)
        return .missing(Self.neededPermission(access, outsideScope: outsideScope, path: path), target: path)
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

    private static func compile(_ rules: [String: ClientRules]) throws(PermissionParseError) -> [String: ClientState] {
        var clients: [String: ClientState] = [:]
        for (id, client) in rules { clients[id] = ClientState(rules: try CompiledRules(client)) }
        return clients
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

import Synchronization

/// One client's permission state: its compiled rules and its cache of call-level decisions.
///
/// Each configured client has its own instance behind its own lock (ARCHITECTURE §11: no
/// process-wide lock on a call's path), so a client hammering checks never waits for another. The
/// ``PermissionManager`` hands the same instance to every connection of the client and swaps its
/// rules in place on a reload: grants, rules and cache change together, atomically for the client,
/// and a connection made during the reload sees the new rules from its first request.
///
/// A cached decision is keyed by the *input* path and access and trusted for the manager's cache
/// lifetime, so a symlink changed on disk is noticed within it; the file-system layer still
/// refuses symlinks at the system call itself.
public final class ClientPermissions: Sendable {
    /// Keyed by the path's bytes: `String` equality is canonical equivalence, under which the NFC
    /// and NFD spellings of `café` are one key, though they name two files.
    struct CacheKey: Hashable {
        var access: PermissionManager.Access
        var path: [UInt8]
    }

    struct CacheEntry {
        var resolution: PermissionManager.Resolution
        var expires: UInt64
    }

    enum Lookup {
        case hit(PermissionManager.Resolution)
        case miss(UInt64, CompiledRules?)
    }

    struct State {
        /// `nil`: the client is not (or no longer) configured, and every check is denied.
        var rules: CompiledRules?
        var cache: [CacheKey: CacheEntry] = [:]
        /// Bumped by every swap, so that a decision made on old rules is not cached after it.
        var generation: UInt64 = 0
    }

    /// The client id.
    public let id: String
    private let state: Mutex<State>
    /// `false` for a context built without a ``PermissionManager``: its call-level checks are all
    /// denied (it does not know Bastion's own files), only its tool-level checks use the grants.
    private let isCallLevelEnabled: Bool
    private let cacheCapacity: Int
    private let lifetimeNanoseconds: UInt64

    init(id: String, rules: CompiledRules?, isCallLevelEnabled: Bool, cacheCapacity: Int, lifetime: UInt64) {
        self.id = id
        self.state = Mutex(State(rules: rules))
        self.isCallLevelEnabled = isCallLevelEnabled
        self.cacheCapacity = max(1, cacheCapacity)
        self.lifetimeNanoseconds = lifetime
    }

    /// The state of a client known only by its grants (no ``PermissionManager``): tool-level checks
    /// use the grants (globs relative to `workdir`, which also stands for `~`); every call-level
    /// check is denied (fail closed).
    /// - Parameters:
    ///   - id: The client id.
    ///   - permissions: The grants.
    ///   - workdir: The absolute working directory.
    public convenience init(id: String, permissions: [Permission], workdir: String) {
        let rules = PermissionManager.ClientRules(permissions: permissions, workdir: workdir, home: workdir)
        self.init(
            id: id,
            rules: try? CompiledRules(rules, protected: CompiledRules.Protected()),
            isCallLevelEnabled: false,
            cacheCapacity: 1,
            lifetime: 0
        )
    }

    /// The current rules (one reference count), or `nil` when every check must be denied.
    var rules: CompiledRules? { state.withLock { $0.rules } }

    /// Replaces the rules and drops every cached decision.
    func replace(_ rules: CompiledRules?) {
        state.withLock { state in
            state.rules = rules
            state.generation &+= 1
            state.cache.removeAll()
        }
    }

    // MARK: - What the client holds

    /// The grants in force (for `whoami` and the audit); empty when the client is not configured.
    public var grants: [Permission] { rules?.grants ?? [] }

    /// Whether the client is `read_only`; `true` when it is not configured (fail closed).
    public var isReadOnly: Bool { rules?.isReadOnly ?? true }

    /// The directories under which the client's grants can match, for reading and for writing
    /// (canonical, outermost only; empty when the client is not configured).
    public var scopeRoots: (read: [String], write: [String]) {
        guard isCallLevelEnabled, let rules else { return ([], []) }
        return (rules.readRoots, rules.writeRoots)
    }

    /// The directories the client's `deny` globs refuse whole, with everything beneath them
    /// (canonical and as written, outermost only; empty when the client is not configured).
    public var deniedSubtrees: [String] {
        guard isCallLevelEnabled, let rules else { return [] }
        return rules.deniedSubtrees
    }

    /// The tool-level check: whether the client's grants cover what a tool or resource declares.
    /// - Parameters:
    ///   - required: The declaration.
    ///   - isReadOnlyTool: Whether the tool is annotated read-only (`readOnlyHint`); a `read_only`
    ///     client is refused every other tool.
    /// - Returns: `.allow`, or the denial (see ``PermissionChecker``).
    public func check(_ required: RequiredPermissions, isReadOnlyTool: Bool) -> PermissionDecision {
        let rules = self.rules
        guard required.isDeclared else { return .undeclared }
        if !isReadOnlyTool, rules?.isReadOnly ?? true { return .readOnlyTool }
        return PermissionChecker.check(required, rules)
    }

    // MARK: - Call-level checks

    /// Canonicalizes a path and decides whether the client may access it (cached).
    /// - Parameters:
    ///   - access: Read, write, or execute with the command as asked for.
    ///   - path: The path as given (absolute, relative to the workdir, or `~/…`); for `execute`,
    ///     the executable file (resolved by the caller from the server's `PATH`).
    /// - Returns: The decision and the canonical path it applies to.
    public func resolve(_ access: PermissionManager.Access, path: String) -> PermissionManager.Resolution {
        let now = PermissionManager.monotonicNanoseconds()
        let key = CacheKey(access: access, path: Array(path.utf8))
        let lookup = state.withLock { state -> Lookup in
            if let entry = state.cache[key], entry.expires > now { return .hit(entry.resolution) }
            return .miss(state.generation, state.rules)
        }
        let generation: UInt64
        let rules: CompiledRules
        switch lookup {
        case .hit(let resolution): return resolution
        case .miss(let current, let compiled?) where isCallLevelEnabled: (generation, rules) = (current, compiled)
        case .miss: return Self.unknown(access, path)
        }
        let resolution = rules.resolve(access, path)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.cache.count >= cacheCapacity { state.cache.removeAll(keepingCapacity: true) }
            state.cache[key] = CacheEntry(resolution: resolution, expires: now &+ lifetimeNanoseconds)
        }
        return resolution
    }

    /// Decides whether the client may access a path (cached like ``resolve(_:path:)``).
    public func check(_ access: PermissionManager.Access, path: String) -> PermissionDecision {
        resolve(access, path: path).decision
    }

    /// Decides on a path that is already canonical, without touching the file system or the cache:
    /// for directory walks (which never follow symlinks) and for a symlink acted on itself.
    /// - Parameters:
    ///   - access: Read, write, or execute.
    ///   - canonicalPath: An absolute path without `.`, `..` or symlinks in its directory part.
    /// - Returns: `.allow` or a denial.
    public func check(_ access: PermissionManager.Access, canonicalPath: String) -> PermissionDecision {
        guard isCallLevelEnabled, let rules else { return Self.unknown(access, canonicalPath).decision }
        return rules.decide(access, canonicalPath: canonicalPath)
    }

    /// Decides on a canonical path given as raw bytes, which need not be UTF-8 (a walked entry's
    /// name joined to its directory's canonical path); uncached, no system call. A denial names the
    /// path with invalid bytes as U+FFFD.
    /// - Parameters:
    ///   - access: Read, write, or execute.
    ///   - canonicalBytes: An absolute path without `.`, `..` or symlinks in its directory part.
    /// - Returns: `.allow` or a denial.
    public func check(_ access: PermissionManager.Access, canonicalBytes: [UInt8]) -> PermissionDecision {
        guard isCallLevelEnabled, let rules else {
            return Self.unknown(access, String(decoding: canonicalBytes, as: UTF8.self)).decision
        }
        return rules.decide(access, canonicalBytes: canonicalBytes)
    }

    /// The decisions of a walk below a directory, on the rules in force now (see ``WalkPermissions``).
    /// - Parameters:
    ///   - access: `.read` (listings, searches) or `.write` (a recursive delete or move); anything
    ///     else, or a client without rules, gets every entry denied.
    ///   - directory: The walked directory's canonical path, as bytes.
    /// - Returns: The decisions for the directory's entries.
    public func walkPermissions(_ access: PermissionManager.Access, below directory: [UInt8]) -> WalkPermissions {
        let rules = isCallLevelEnabled ? self.rules : nil
        return WalkPermissions(plan: WalkPlan(rules, access: access), directory: directory)
    }

    /// How many decisions are cached (for tests and diagnostics).
    var cachedCount: Int { state.withLock { $0.cache.count } }

    /// The denial for a client without rules: the permission that would be needed anywhere.
    static func unknown(_ access: PermissionManager.Access, _ path: String) -> PermissionManager.Resolution {
        let denial = PermissionDecision.missing(
            PermissionManager.neededPermission(access, outsideScope: true, path: path),
            target: path
        )
        return PermissionManager.Resolution(decision: denial, canonicalPath: nil)
    }
}

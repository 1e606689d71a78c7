/// One client's rules with every glob compiled and every directory canonical; immutable, so a
/// snapshot costs one reference count and a reload replaces it whole.
final class CompiledRules: Sendable {
    /// Bastion's own files, and the built-in write-protected list (shared by every client).
    struct Protected: Sendable {
        var own: [GlobPattern] = []
        var builtIn: [GlobPattern] = []
    }

    /// The grants in force, as configured (`read_only` leaves only the `file_read` ones).
    let grants: [Permission]
    let reads: [GlobPattern]
    let writes: [GlobPattern]
    let globalWrites: [GlobPattern]
    /// `system_command` patterns without `/`, matched against `/` + a bare command name.
    let commandNames: [GlobPattern]
    /// `system_command` patterns with `/`, matched against the canonical executable path.
    let commandPaths: [GlobPattern]
    let deny: [GlobPattern]
    /// The outermost directories the read grants can match under (see ``PermissionManager/scopeRoots(client:)``).
    let readRoots: [String]
    /// The outermost directories the write grants (scoped and global) can match under.
    let writeRoots: [String]
    /// The directories the `deny` globs refuse whole (`dir/**`: other clients' workdirs among them).
    let deniedSubtrees: [String]
    let isReadOnly: Bool
    let workdir: String
    let home: String
    /// The client's whole workdir: what `file_read` and `file_write` without a glob mean.
    let scope: GlobPattern
    let protected: Protected

    /// The grant globs of one client, sorted by what they allow.
    private struct Lists {
        var grants: [Permission] = []
        var reads: [GlobPattern] = []
        var writes: [GlobPattern] = []
        var globalWrites: [GlobPattern] = []
        var names: [GlobPattern] = []
        var paths: [GlobPattern] = []
        var deny: [GlobPattern] = []
    }

    init(_ rules: PermissionManager.ClientRules, protected: Protected) throws(PermissionParseError) {
        let workdir = try PathCanonicalizer.canonical(rules.workdir, relativeTo: "/", home: rules.home)
        let home = try PathCanonicalizer.canonical(rules.home, relativeTo: "/", home: rules.home)
        let scope = try GlobPattern(GlobPattern.escaped(workdir) + "/**")
        let lists = try Self.compile(rules, workdir: workdir, home: home, scope: scope)
        // Globs whose fixed directory part resolves elsewhere (symlinks) get a resolved twin, so
        // that `file_read:~/link/**` and `deny = ["~/link/**"]` still meet canonical paths.
        func withResolved(_ globs: [GlobPattern]) -> [GlobPattern] {
            globs
                + globs.compactMap { glob in
                    glob.resolvingLiteralPrefix { try? PathCanonicalizer.canonical($0, relativeTo: "/", home: home) }
                }
        }
        self.grants = lists.grants
        self.reads = withResolved(lists.reads)
        self.writes = withResolved(lists.writes)
        self.globalWrites = withResolved(lists.globalWrites)
        self.commandNames = lists.names
        self.commandPaths = withResolved(lists.paths)
        self.deny = withResolved(lists.deny)
        self.readRoots = Self.outermost(self.reads.map(\.literalDirectory))
        self.writeRoots = Self.outermost((self.writes + self.globalWrites).map(\.literalDirectory))
        self.deniedSubtrees = Self.outermost(self.deny.compactMap(\.subtreeRoot))
        self.isReadOnly = rules.isReadOnly
        self.workdir = workdir
        self.home = home
        self.scope = scope
        self.protected = protected
    }

    /// Compiles the grants (relative globs start in the workdir) and the deny globs (`**/…` match anywhere).
    private static func compile(
        _ rules: PermissionManager.ClientRules,
        workdir: String,
        home: String,
        scope: GlobPattern
    ) throws(PermissionParseError) -> Lists {
        func compile(_ glob: String?) throws(PermissionParseError) -> GlobPattern {
            guard let glob else { return scope }
            return try GlobPattern(glob, relativeTo: workdir)
        }
        var lists = Lists()
        for permission in rules.permissions {
            let expanded = permission.expandingTilde(home: home)
            // Fail closed: a read-only client keeps its reads only, whatever the caller passed.
            if rules.isReadOnly, expanded.kind != .fileRead { continue }
            lists.grants.append(permission)
            switch expanded {
            case .fileRead(let glob): lists.reads.append(try compile(glob))
            case .fileWrite(let glob): lists.writes.append(try compile(glob))
            case .fileWriteGlobal(let glob): lists.globalWrites.append(try compile(glob))
            case .systemCommand(let pattern) where PathBytes.containsSlash(pattern):
                lists.paths.append(try compile(pattern))
            case .systemCommand(let pattern): lists.names.append(try GlobPattern("/" + pattern))
            case .codeExecution, .codeExecutionSudo, .custom: continue
            }
        }
        for glob in rules.deny {
            let expanded = Permission.expandingTilde(glob, home: home)
            lists.deny.append(try PathBytes.hasPrefix(expanded, "**") ? GlobPattern(expanded) : compile(expanded))
        }
        return lists
    }

    /// The directories not inside another one of the list, sorted and without duplicates.
    static func outermost(_ directories: [String]) -> [String] {
        let sorted = Set(directories).sorted()
        var result: [String] = []
        for directory in sorted {
            let isNested = result.contains { PathBytes.isWithin(directory, $0) }
            if !isNested { result.append(directory) }
        }
        return result
    }

    /// A glob as a grant of this client would mean it: `nil` is the workdir, a relative glob starts
    /// there, `~` is the home directory; `nil` when it does not compile.
    func grantGlob(_ glob: String?) -> GlobPattern? {
        guard let glob else { return scope }
        return try? GlobPattern(Permission.expandingTilde(glob, home: home), relativeTo: workdir)
    }
}

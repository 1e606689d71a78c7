extension PermissionManager {
    /// One client's call-level rules, as read from the configuration.
    public struct ClientRules: Sendable, Hashable {
        /// The client's grants (only `file_read`, `file_write`, `file_write_global` and
        /// `system_command` matter at call level).
        public var permissions: [Permission]
        /// Globs that override every grant; `**/…` globs match anywhere, other relative globs
        /// are relative to the workdir.
        public var deny: [String]
        /// `read_only = true`: every write and execution is refused.
        public var isReadOnly: Bool
        /// The client's absolute working directory; relative paths and globs start here.
        public var workdir: String
        /// The absolute directory `~` stands for.
        public var home: String

        /// Creates a client's rules.
        /// - Parameters:
        ///   - permissions: The grants.
        ///   - deny: Globs that override every grant.
        ///   - isReadOnly: Whether every write and execution is refused.
        ///   - workdir: The absolute working directory.
        ///   - home: The absolute home directory.
        public init(
            permissions: [Permission],
            deny: [String] = [],
            isReadOnly: Bool = false,
            workdir: String,
            home: String
        ) {
            self.permissions = permissions
            self.deny = deny
            self.isReadOnly = isReadOnly
            self.workdir = workdir
            self.home = home
        }
    }

    /// A client's rules with every glob compiled and every directory canonical.
    struct CompiledRules: Sendable {
        var reads: [GlobPattern] = []
        var writes: [GlobPattern] = []
        var globalWrites: [GlobPattern] = []
        /// `system_command` patterns without `/`, matched against a bare command name.
        var commandNames: [GlobPattern] = []
        /// `system_command` patterns with `/`, matched against the canonical executable path.
        var commandPaths: [GlobPattern] = []
        var deny: [GlobPattern] = []
        /// The outermost directories the read grants can match under (see ``PermissionManager/scopeRoots(client:)``).
        var readRoots: [String] = []
        /// The outermost directories the write grants (scoped and global) can match under.
        var writeRoots: [String] = []
        var isReadOnly: Bool
        var workdir: String
        var home: String

        init(_ rules: ClientRules) throws(PermissionParseError) {
            self.workdir = try PathCanonicalizer.canonical(rules.workdir, relativeTo: "/", home: rules.home)
            self.home = try PathCanonicalizer.canonical(rules.home, relativeTo: "/", home: rules.home)
            self.isReadOnly = rules.isReadOnly
            let scope = try GlobPattern(GlobPattern.escaped(workdir) + "/**")
            for permission in rules.permissions {
                switch permission.expandingTilde(home: home) {
                case .fileRead(let glob):
                    reads.append(try glob.map { g throws(PermissionParseError) in try compile(g) } ?? scope)
                case .fileWrite(let glob):
                    writes.append(try glob.map { g throws(PermissionParseError) in try compile(g) } ?? scope)
                case .fileWriteGlobal(let glob):
                    globalWrites.append(try compile(glob))
                case .systemCommand(let pattern):
                    if pattern.contains("/") {
                        commandPaths.append(try compile(pattern))
                    } else {
                        commandNames.append(try GlobPattern("/" + pattern))
                    }
                case .codeExecution, .codeExecutionSudo, .custom:
                    continue
                }
            }
            for glob in rules.deny {
                let expanded = Permission.expandTilde(glob, home: home)
                deny.append(try expanded.hasPrefix("**") ? GlobPattern(expanded) : compile(expanded))
            }
            addResolvedVariants()
            readRoots = Self.outermost(reads.map(\.literalDirectory))
            writeRoots = isReadOnly ? [] : Self.outermost((writes + globalWrites).map(\.literalDirectory))
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

        private func compile(_ glob: String) throws(PermissionParseError) -> GlobPattern {
            try GlobPattern(glob, relativeTo: workdir)
        }

        /// Adds to each list the globs whose fixed directory part resolves elsewhere (symlinks), so
        /// that `file_read:~/link/**` and `deny = ["~/link/**"]` still meet canonical paths.
        mutating func addResolvedVariants() {
            func resolve(_ path: String) -> String? {
                try? PathCanonicalizer.canonical(path, relativeTo: "/", home: home)
            }
            func variants(_ globs: [GlobPattern]) -> [GlobPattern] {
                globs + globs.compactMap { $0.resolvingLiteralPrefix(resolve) }
            }
            reads = variants(reads)
            writes = variants(writes)
            globalWrites = variants(globalWrites)
            commandPaths = variants(commandPaths)
            deny = variants(deny)
        }
    }

    /// The built-in protected list: never writable by any client, whatever it holds.
    static let builtInProtectedGlobs: [String] = [
        // Shell start-up files run code the next time a person (or a script) starts a shell.
        // `dir/**` also matches `dir` itself, so a protected directory cannot be renamed or replaced.
        "**/.bashrc", "**/.bash_profile", "**/.bash_login", "**/.bash_logout", "**/.profile", "**/.zshrc",
        "**/.zshenv", "**/.zprofile", "**/.zlogin", "**/.zlogout", "**/.cshrc", "**/.tcshrc", "**/.login",
        "**/.kshrc", "**/.config/fish/**", "**/.pam_environment", "**/.xprofile", "**/.xsessionrc",
        // Session autostart and user services run at the next login.
        "**/.config/autostart/**", "**/.config/systemd/user/**",
        // Git runs what its configuration names (hooks, fsmonitor, core.hooksPath), and SSH trusts its keys.
        "**/.git/hooks/**", "**/.git/config", "**/.gitconfig", "**/.config/git/config", "**/.ssh/**",
        // MCP and AI client configurations: an AI must not be able to grant itself more, or add hooks.
        "**/claude_desktop_config.json", "**/.config/Claude/**", "**/.claude.json", "**/.claude/settings.json",
        "**/.claude/settings.local.json", "**/.cursor/mcp.json", "**/.vscode/mcp.json",
        "**/.codeium/windsurf/mcp_config.json", "**/.mcp.json", "**/.gemini/settings.json", "**/.codex/config.toml",
        // Bastion's own configuration.
        "**/.config/bastion/**",
    ]

    /// Compiles Bastion's own files: each given file and its siblings that start with its name
    /// (`audit.jsonl*`: rotated logs, chain heads), both as given and canonical.
    static func compileOwn(_ paths: [String]) throws(PermissionParseError) -> [GlobPattern] {
        var globs: [GlobPattern] = []
        for path in paths {
            let canonical = try PathCanonicalizer.canonical(path, relativeTo: "/", home: "/")
            for form in Set([path, canonical]) where form.utf8.first == PathBytes.slash {
                globs.append(try GlobPattern(GlobPattern.escaped(form) + "*"))
            }
        }
        return globs
    }
}

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
    /// (`audit.jsonl*`: rotated logs, chain heads), and everything inside it when it is a
    /// directory (the approval sockets'), both as given and canonical.
    static func compileOwn(_ paths: [String]) throws(PermissionParseError) -> [GlobPattern] {
        try compile(paths, suffixes: ["*", "/**"])
    }

    /// Compiles the server's runtime files: each path and, for a directory, everything in it
    /// (`dir/**` matches `dir` too), as given and canonical.
    static func compileRuntime(_ paths: [String]) throws(PermissionParseError) -> [GlobPattern] {
        try compile(paths, suffixes: ["/**"])
    }

    /// One glob per absolute form of each path (as given, canonical) and suffix.
    private static func compile(_ paths: [String], suffixes: [String]) throws(PermissionParseError) -> [GlobPattern] {
        var globs: [GlobPattern] = []
        for path in paths {
            let canonical = try PathCanonicalizer.canonical(path, relativeTo: "/", home: "/")
            for form in Set([path, canonical]) where form.utf8.first == PathBytes.slash {
                for suffix in suffixes { globs.append(try GlobPattern(GlobPattern.escaped(form) + suffix)) }
            }
        }
        return globs
    }
}

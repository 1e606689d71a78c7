/// The environment of a child: a clean allow-list, never the server's own environment.
///
/// - `PATH` is fixed (``systemPath``), never the client's or the server's;
/// - `LANG`, `LC_ALL` and `TERM` are copied from the server when set;
/// - `HOME` is the client's workdir and `TMPDIR` its `.tmp`;
/// - the client's `env` entries are added, except names that are empty, contain `=` or NUL, or
///   are on ``isRefused(_:)``'s list: variables that make a loader, a shell or an interpreter run
///   code of the caller's choosing before the program (`LD_PRELOAD`, `BASH_ENV`, `NODE_OPTIONS`…),
///   which would turn a grant for one command (`system_command:git`) into arbitrary code.
public enum ExecutionEnvironment {
    /// The `PATH` children get and executables are looked up on.
    public static let systemPath = "/usr/local/bin:/usr/bin:/bin"
    /// ``systemPath``'s directories, in lookup order.
    public static let systemPathDirectories = ["/usr/local/bin", "/usr/bin", "/bin"]
    /// The most variables a request may add.
    public static let maximumEntries = 256
    /// The most bytes in one variable's name plus value.
    public static let maximumEntryBytes = 32 * 1024

    /// Names refused exactly.
    static let refusedNames: Set<String> = [
        "PATH", "HOME", "TMPDIR",  // set by the server
        "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "IFS", "CDPATH", "GLOBIGNORE",
        "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PYTHONINSPECT", "PYTHONUSERBASE", "PYTHONBREAKPOINT",
        "PYTHONEXECUTABLE", "PERL5LIB", "PERL5OPT", "PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB", "NODE_OPTIONS",
        "NODE_PATH", "NODE_REPL_EXTERNAL_MODULE", "GCONV_PATH", "GLIBC_TUNABLES", "LOCPATH", "NLSPATH",
        "HOSTALIASES", "RES_OPTIONS", "GIT_EXEC_PATH", "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
        "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS", "EDITOR", "VISUAL", "PAGER", "GIT_PAGER",
        "MANPAGER", "LESSOPEN", "LESSCLOSE", "CLASSPATH", "ZDOTDIR", "TERMINFO", "TERMINFO_DIRS", "INPUTRC",
        "MYVIMRC", "CURL_HOME", "WGETRC", "SUDO_ASKPASS", "KUBECONFIG", "DOCKER_HOST", "DOCKER_CONFIG",
        "PS1", "PS2", "PS3", "BROWSER", "SHELL",
    ]
    /// Name prefixes refused: the dynamic loader's, exported bash functions, and whole families
    /// that point a tool at configuration or code of the caller's choosing (review 4, finding 6):
    /// git's (`GIT_*`: exec path, config, ssh, pager, templates), interpreters', package managers',
    /// the JVM's option injection, OpenSSL's engines and config, the XDG config dirs (git, pip
    /// and others read `$XDG_CONFIG_HOME`), make's flags. Defence in depth: a `system_command`
    /// grant leaves argv free, so `git -c …` needs no variable (``BastionConfiguration`` warns).
    static let refusedPrefixes = [
        "LD_", "BASH_FUNC_", "GIT_", "DYLD_", "MALLOC_", "PYTHON", "PERL", "RUBY", "NODE_", "NPM_CONFIG_",
        "npm_config_", "YARN_", "PIP_", "CARGO_", "RUSTC_", "GOFLAGS", "GOPATH", "GOROOT", "GOPROXY", "GOTOOLCHAIN",
        "GOENV", "JAVA_", "JDK_", "_JAVA_", "OPENSSL_", "XDG_",
        "LUA_", "PHP", "TCL", "SSH_", "GNUPG", "GPG_", "LESS", "VIM", "EXINIT", "MAKE", "MFLAGS", "GNUMAKE",
    ]

    /// Names of refused families that only switch behaviour (buffering, encoding), allowed.
    static let allowedNames: Set<String> = [
        "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "PYTHONIOENCODING", "PYTHONUTF8",
        "NODE_ENV", "NODE_NO_WARNINGS",
    ]

    /// Whether a variable name is refused: empty, contains `=` or NUL, or is on the lists.
    public static func isRefused(_ name: String) -> Bool {
        let bytes = name.utf8
        if bytes.isEmpty || bytes.contains(UInt8(ascii: "=")) || bytes.contains(0) { return true }
        if allowedNames.contains(name) { return false }
        if refusedNames.contains(name) { return true }
        return refusedPrefixes.contains { name.utf8.starts(with: $0.utf8) }
    }

    /// The complete environment of a child.
    /// - Parameters:
    ///   - workdir: The client's workdir (`HOME`).
    ///   - temporary: Its `.tmp` (`TMPDIR`).
    ///   - extra: The client's variables.
    ///   - server: Looks up the server's own variables (`LANG`, `LC_ALL`, `TERM`).
    /// - Returns: `NAME=value` entries.
    /// - Throws: ``ExecutionError`` (`invalidRequest`) naming the first refused variable.
    public static func make(
        workdir: String,
        temporary: String,
        extra: [(name: String, value: String)],
        server: (String) -> String?
    ) throws(ExecutionError) -> [String] {
        guard extra.count <= maximumEntries else {
            throw ExecutionError(.invalidRequest, "\"env\" has \(extra.count) variables; at most \(maximumEntries)")
        }
        var entries = ["PATH=\(systemPath)", "HOME=\(workdir)", "TMPDIR=\(temporary)"]
        for name in ["LANG", "LC_ALL", "TERM"] {
            if let value = server(name), !value.utf8.contains(0) { entries.append("\(name)=\(value)") }
        }
        for (name, value) in extra {
            guard !isRefused(name) else {
                throw ExecutionError(
                    .invalidRequest,
                    "the environment variable name \"\(shown(name))\" is refused: names must be non-empty, without "
                        + "\"=\" or NUL, and not one that makes a loader, shell or interpreter run other code "
                        + "(LD_*, BASH_ENV, ENV, NODE_OPTIONS, PYTHONSTARTUP, …) or that the server sets (PATH, HOME, TMPDIR)"
                )
            }
            guard !value.utf8.contains(0), name.utf8.count + value.utf8.count <= maximumEntryBytes else {
                throw ExecutionError(
                    .invalidRequest,
                    "the value of \"\(name)\" contains NUL or is longer than \(maximumEntryBytes) bytes"
                )
            }
            entries.removeAll { $0.utf8.starts(with: (name + "=").utf8) }
            entries.append("\(name)=\(value)")
        }
        return entries
    }

    /// A name for a message: control characters escaped, at most 64 bytes.
    static func shown(_ name: String) -> String {
        var text = ""
        for scalar in name.unicodeScalars.prefix(64) {
            text +=
                scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return text
    }
}

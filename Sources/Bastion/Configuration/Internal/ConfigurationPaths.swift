import BastionSecurity

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands and resolves the paths of a configuration: `~`, `$HOME`, `$XDG_STATE_HOME`, relative paths.
///
/// Resolution is lexical (`.`, `..` and repeated `/` are removed) because a workdir or an audit log
/// may not exist yet; the permission checker canonicalizes again, symlinks included, at each call.
/// Every path operation is on bytes (``PathBytes``): a combining mark after a `/` must not hide it.
struct ConfigurationPaths: Sendable {
    /// The absolute home directory.
    let home: String
    /// The absolute XDG state directory (`$XDG_STATE_HOME`, else `$HOME/.local/state`).
    let stateHome: String
    /// The absolute directory that relative paths are resolved against (the configuration file's).
    let baseDirectory: String
    /// The server's effective uid: a root server's default workdirs and `run_as` differ.
    let serverUID: UInt32
    /// Whether `XDG_STATE_HOME` was given (absolute), rather than derived from the home directory.
    let hasExplicitStateHome: Bool

    /// Where a root server puts default workdirs when `XDG_STATE_HOME` is not set: `/root` is 0700,
    /// so a workdir under it could never be reached by the unprivileged user children run as.
    static let rootWorkdirBase = "/var/lib/bastion/workdirs"

    /// - Parameters:
    ///   - environment: The process environment; `HOME` and `XDG_STATE_HOME` are read.
    ///   - baseDirectory: The directory relative paths resolve against; made absolute against the cwd.
    ///   - serverUID: The server's effective uid (default: this process's).
    init(environment: [String: String], baseDirectory: String, serverUID: UInt32 = geteuid()) {
        let home = Self.home(environment: environment)
        self.home = home
        self.serverUID = serverUID
        // The XDG Base Directory specification says to ignore relative values.
        if let state = environment["XDG_STATE_HOME"], PathBytes.isAbsolute(state) {
            self.stateHome = Self.normalize(state)
            self.hasExplicitStateHome = true
        } else {
            self.stateHome = Self.join(home, ".local/state")
            self.hasExplicitStateHome = false
        }
        self.baseDirectory =
            PathBytes.isAbsolute(baseDirectory)
            ? Self.normalize(baseDirectory) : Self.join(Self.currentDirectory(), baseDirectory)
    }

    /// The home directory of this process: `$HOME` when absolute, else the password database's.
    static var processHome: String {
        var environment: [String: String] = [:]
        if let home = getenv("HOME") { environment["HOME"] = String(cString: home) }
        return home(environment: environment)
    }

    /// Where the audit log goes when `audit_log` is omitted.
    var defaultAuditLog: String { Self.join(stateHome, "bastion/audit.jsonl") }

    /// The workdir of a client whose `workdir` is omitted: `$XDG_STATE_HOME/bastion/clients/<id>`,
    /// except for a root server without `XDG_STATE_HOME`, whose children (another user) must reach
    /// it: ``rootWorkdirBase``, then `/<id>`.
    func defaultWorkdir(clientID: String) -> String {
        if serverUID == 0, !hasExplicitStateHome { return Self.join(Self.rootWorkdirBase, clientID) }
        return Self.join(stateHome, "bastion/clients/\(clientID)")
    }

    /// Replaces a leading `~`, `$HOME` or `$XDG_STATE_HOME` (alone or followed by `/`); anything else is kept.
    func expandingHome(_ path: String) -> String {
        let bytes = Array(path.utf8)
        for (prefix, replacement) in [("~", home), ("$HOME", home), ("$XDG_STATE_HOME", stateHome)] {
            guard bytes.starts(with: prefix.utf8) else { continue }
            let rest = bytes.dropFirst(prefix.utf8.count)
            if rest.isEmpty { return replacement }
            if rest.first == UInt8(ascii: "/") {
                return Self.join(replacement, String(decoding: rest.dropFirst(), as: UTF8.self))
            }
        }
        return path
    }

    /// Replaces a leading `~` (alone or followed by `/`) of a glob; `~user` and later `~` are kept.
    func expandingTilde(_ glob: String) -> String {
        // Plain concatenation: normalizing would change the glob's meaning (a trailing `/`, `**/..`).
        Permission.expandingTilde(glob, home: home)
    }

    /// Expands the home prefixes, then resolves a relative path against ``baseDirectory``.
    func resolve(_ path: String) -> String {
        let expanded = expandingHome(path)
        return PathBytes.isAbsolute(expanded) ? Self.normalize(expanded) : Self.join(baseDirectory, expanded)
    }

    /// `base/relative`, normalized; `relative` is taken as relative even if it starts with `/`.
    static func join(_ base: String, _ relative: String) -> String {
        normalize(base + "/" + relative)
    }

    /// Removes empty and `.` segments and applies `..` lexically; the result is absolute for absolute input.
    static func normalize(_ path: String) -> String {
        PathBytes.normalized(path)
    }

    /// The canonical form of an existing path (symlinks resolved), else its lexical normal form.
    static func canonical(_ path: String) -> String {
        let absolute = PathBytes.isAbsolute(path) ? normalize(path) : join(currentDirectory(), path)
        guard let resolved = realpath(absolute, nil) else { return absolute }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The process's current directory, or `/` when it cannot be determined.
    static func currentDirectory() -> String {
        guard let buffer = getcwd(nil, 0) else { return "/" }
        defer { free(buffer) }
        return String(cString: buffer)
    }

    /// `$HOME` when absolute, else the home directory of the password database, else `/`.
    static func home(environment: [String: String]) -> String {
        if let home = environment["HOME"], PathBytes.isAbsolute(home) { return normalize(home) }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        // `pw_dir` points into `buffer`, so read it while the buffer is pinned.
        let home = buffer.withUnsafeMutableBufferPointer { storage -> String in
            guard let base = storage.baseAddress,
                getpwuid_r(getuid(), &entry, base, storage.count, &result) == 0, result != nil,
                let directory = entry.pw_dir
            else { return "/" }
            return String(cString: directory)
        }
        return PathBytes.isAbsolute(home) ? normalize(home) : "/"
    }
}

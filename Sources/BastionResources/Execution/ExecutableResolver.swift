import BastionSecurity

#if canImport(Glibc)
import Glibc
#endif

/// Finds executables and the directories a child may read, on the server's fixed system `PATH`:
/// never the client's, never the server's own `PATH`.
public enum ExecutableResolver {
    /// The canonical path (`realpath(3)`) of a command: a bare name looked up on
    /// ``ExecutionEnvironment/systemPath``, or an absolute path; `nil` when there is no executable
    /// regular file by that name. A relative path with a `/` is not looked up (`nil`).
    public static func resolve(_ command: String) -> String? {
        guard !command.isEmpty, !command.utf8.contains(0) else { return nil }
        if command.utf8.contains(UInt8(ascii: "/")) {
            guard command.utf8.first == UInt8(ascii: "/") else { return nil }
            return executable(command)
        }
        for directory in ExecutionEnvironment.systemPathDirectories {
            if let found = executable(PathBytes.join(directory, command)) { return found }
        }
        return nil
    }

    /// The canonical path of `path` when it is an executable regular file.
    static func executable(_ path: String) -> String? {
        guard let real = canonical(path) else { return nil }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(real, X_OK) == 0 else { return nil }
        return real
    }

    /// `realpath(3)` of an existing path.
    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Entries of `/etc` a child may not read: password hashes, sudo rules, host keys, private TLS
    /// keys, stored credentials, Bastion's own configuration.
    static let secretEtcEntries: Set<String> = [
        "shadow", "shadow-", "gshadow", "gshadow-", "sudoers", "sudoers.d", "ssh", "ssl", "security",
        "krb5.keytab", "bastion", "wireguard", "NetworkManager", "letsencrypt", "openvpn", "ppp",
        "ipsec.secrets", "ipsec.d", "docker", "containerd", "libvirt", "pki", "cups", "credstore",
        "credstore.encrypted", "machine-id",
    ]

    /// What every child may read and execute: the system directories interpreters need (`/usr`,
    /// `/bin`, `/lib*`, `/proc` — other processes' memory and environment stay behind the ptrace
    /// check, which Landlock restricts to the child's own domain), a few devices, and `/etc` entry by
    /// entry without ``secretEtcEntries`` (Landlock cannot carve a file out of a directory), plus
    /// `/etc/ssl/certs` and `openssl.cnf` for TLS clients (node reads it at start). Canonical and
    /// existing, computed once.
    public static let systemReadPaths: [String] = {
        var paths: [String] = []
        for path in systemCandidates { if let real = canonical(path), !paths.contains(real) { paths.append(real) } }
        // An `/etc` entry may be a link into a secret one (`/etc/x -> ssh/…`); the candidates are ours.
        for path in etcEntries {
            if let real = canonical(path), !paths.contains(real), !isSecret(real) { paths.append(real) }
        }
        return paths
    }()

    /// The symbolic links among the system paths (`/bin -> usr/bin` and `/lib64 -> usr/lib64` on a
    /// merged `/usr`, `/etc/localtime`, …) and `/dev/fd`, `/dev/stdin`, `/dev/stdout`,
    /// `/dev/stderr`: recreated in a child's minimal root, where only their targets are mounted.
    public static let systemLinks: [String: String] = {
        var links = [
            "/dev/fd": "/proc/self/fd", "/dev/stdin": "/proc/self/fd/0", "/dev/stdout": "/proc/self/fd/1",
            "/dev/stderr": "/proc/self/fd/2",
        ]
        for path in systemCandidates + etcEntries {
            if let target = linkTarget(path) { links[path] = target }
        }
        return links
    }()

    private static let systemCandidates = [
        "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/dev/null", "/dev/zero",
        "/dev/full", "/dev/random", "/dev/urandom", "/etc/ssl/certs", "/etc/ssl/openssl.cnf",
    ]

    /// `/etc/<name>` for every entry but ``secretEtcEntries``, listed once for both lists above.
    private static let etcEntries: [String] = {
        guard let directory = opendir("/etc") else { return [] }
        defer { closedir(directory) }
        var entries: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != "..", !secretEtcEntries.contains(name) else { continue }
            entries.append("/etc/\(name)")
        }
        return entries
    }()

    /// What a symbolic link at `path` points to (`nil`: not a link).
    private static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A link out of `/etc` into one of the secret entries (`/etc/x -> ssh/…`).
    private static func isSecret(_ path: String) -> Bool {
        secretEtcEntries.contains { PathBytes.isWithin(path, "/etc/\($0)") }
    }
}

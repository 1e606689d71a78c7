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
        let candidates = [
            "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/dev/null", "/dev/zero",
            "/dev/full", "/dev/random", "/dev/urandom", "/etc/ssl/certs", "/etc/ssl/openssl.cnf",
        ]
        for path in candidates { if let real = canonical(path), !paths.contains(real) { paths.append(real) } }
        if let directory = opendir("/etc") {
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != "..", !secretEtcEntries.contains(name) else { continue }
                if let real = canonical("/etc/\(name)"), !paths.contains(real), !isSecret(real) { paths.append(real) }
            }
        }
        return paths
    }()

    /// A link out of `/etc` into one of the secret entries (`/etc/x -> ssh/…`).
    private static func isSecret(_ path: String) -> Bool {
        secretEtcEntries.contains { PathBytes.isWithin(path, "/etc/\($0)") }
    }
}

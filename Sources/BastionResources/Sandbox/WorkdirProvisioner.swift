import BastionSecurity
import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

/// Creates a client's private working directory: mode 0700, owned by the server's user, not a link.
public enum WorkdirProvisioner {
    /// Creates `path` (and missing parents, 0700) or checks an existing one.
    /// - Parameter path: An absolute path.
    /// - Throws: ``SandboxError`` when the path exists but is not a private directory of ours.
    public static func provision(_ path: String) throws(SandboxError) {
        guard PathBytes.isAbsolute(path) else { throw SandboxError(message: "workdir \(path) is not an absolute path") }
        do {
            try DirectoryPath.create(path, mode: 0o700)
        } catch {
            throw SandboxError(message: "cannot create workdir \(error.path): \(String(cString: strerror(error.errno)))")
        }
        try verify(path, repair: true)
    }

    /// Checks, with one `lstat(2)`, that `path` is still a private directory owned by the server's user.
    /// - Parameters:
    ///   - path: The workdir.
    ///   - repair: Whether to tighten looser permission bits instead of failing.
    /// - Throws: ``SandboxError`` naming what is wrong.
    public static func verify(_ path: String, repair: Bool = false) throws(SandboxError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw SandboxError(message: "cannot inspect workdir \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SandboxError(message: "workdir \(path) exists and is not a directory (or is a symbolic link)")
        }
        guard info.st_uid == geteuid() else {
            throw SandboxError(message: "workdir \(path) is owned by uid \(info.st_uid), not by the server's user")
        }
        if info.st_mode & 0o077 != 0 {
            guard repair, chmod(path, 0o700) == 0 else {
                throw SandboxError(message: "workdir \(path) is accessible to other users (mode must be 0700)")
            }
        }
    }
}

import CBastionLinux
import Foundation

/// A private temporary directory (made with `mkdtemp`) that tests remove when they are done.
struct ScratchDirectory: ~Copyable {
    /// The absolute path of the directory.
    let path: String

    /// Creates a fresh directory under `/tmp`.
    init() throws {
        var template = Array("/tmp/bastion-resources-tests.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = String(cString: created)
        // The same whatever the host's /tmp: no ACL inherited from a default ACL there (a CI host
        // had `default:user:nobody:rwx` on /tmp, and every mode and ACL test saw its entries).
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = cbastion_acl_remove_fd(descriptor, 1)
            _ = cbastion_acl_remove_fd(descriptor, 0)
            _ = fchmod(descriptor, 0o700)
            close(descriptor)
        }
    }

    deinit {
        // A test may leave a directory without write permission behind; open it up before removing.
        chmod(path, 0o700)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// The permission bits of `path` (without the file type), read with `lstat`.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Creates a directory with exactly `mode`, whatever the umask.
    static func makeDirectory(_ path: String, mode: mode_t) throws {
        guard mkdir(path, mode) == 0, chmod(path, mode) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

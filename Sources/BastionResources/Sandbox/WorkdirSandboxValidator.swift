public import BastionProtocol
public import BastionSecurity
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The baseline sandbox rule: the client's workdir must still be its private directory.
///
/// The workdir is verified and opened once (`O_DIRECTORY | O_NOFOLLOW`); each call then compares
/// `fstat(2)` of that descriptor with `lstat(2)` of the path, so a workdir swapped for a link or for
/// a symbolic link is refused and a new directory is verified from scratch before it is adopted.
public final class WorkdirSandboxValidator: SandboxValidator {
    private let descriptors = Mutex<[String: Int32]>([:])

    /// Creates the validator.
    public init() {}

    deinit {
        descriptors.withLock { open in
            for descriptor in open.values { close(descriptor) }
        }
    }

    public func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String? {
        do {
            var info = try check(client.workdir)
            if info == nil {
                // The path no longer names the verified directory: verify whatever it names now
                // from scratch (a link or a foreign directory fails there) and adopt it if private.
                forget(client.workdir)
                info = try check(client.workdir)
            }
            guard let info else { return "the client's workdir \(client.workdir) changed while being checked" }
            guard info.st_uid == geteuid(), info.st_mode & 0o077 == 0 else {
                return "the client's workdir \(client.workdir) is no longer private to the server's user"
            }
            return nil
        } catch {
            return "the client's sandbox is not usable: \(error.message)"
        }
    }

    /// The descriptor's status when the path still names the same directory (device and inode).
    private func check(_ workdir: String) throws(SandboxError) -> stat? {
        let descriptor = try self.descriptor(for: workdir)
        var info = stat()
        var current = stat()
        guard fstat(descriptor, &info) == 0, lstat(workdir, &current) == 0,
            info.st_dev == current.st_dev, info.st_ino == current.st_ino
        else { return nil }
        return info
    }

    private func descriptor(for workdir: String) throws(SandboxError) -> Int32 {
        if let open = descriptors.withLock({ $0[workdir] }) { return open }
        try WorkdirProvisioner.verify(workdir)
        let opened = open(workdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard opened >= 0 else { throw SandboxError(message: "cannot open workdir \(workdir)") }
        let kept = descriptors.withLock { open -> Int32 in
            if let existing = open[workdir] { return existing }
            open[workdir] = opened
            return opened
        }
        if kept != opened { close(opened) }
        return kept
    }

    private func forget(_ workdir: String) {
        if let descriptor = descriptors.withLock({ $0.removeValue(forKey: workdir) }) { close(descriptor) }
    }
}

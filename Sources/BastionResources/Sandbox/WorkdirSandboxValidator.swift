public import BastionProtocol
public import BastionSecurity
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The baseline sandbox rule: the client's workdir must still be its private directory.
///
/// The workdir is opened once (`O_DIRECTORY | O_NOFOLLOW`) and then checked with `fstat(2)` on each
/// call: no path walk on the hot path. The descriptor keeps pointing at the directory that was
/// verified; if that directory is deleted, the path is verified again from scratch.
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
            let descriptor = try self.descriptor(for: client.workdir)
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_nlink > 0 else {
                forget(client.workdir)
                try WorkdirProvisioner.verify(client.workdir)
                return nil
            }
            guard info.st_uid == geteuid(), info.st_mode & 0o077 == 0 else {
                return "the client's workdir \(client.workdir) is no longer private to the server's user"
            }
            return nil
        } catch {
            return "the client's sandbox is not usable: \(error.message)"
        }
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

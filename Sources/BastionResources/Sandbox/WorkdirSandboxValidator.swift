public import BastionProtocol
public import BastionSecurity
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The baseline sandbox rule: the client's workdir must still be the private directory that was
/// verified (shared with the run_as user only through exactly the workdir ACL).
///
/// The first call verifies the workdir from scratch and remembers its device and inode; each call
/// then costs one `lstat(2)`: the path must still name that very directory (a workdir swapped for a
/// link or another directory is refused until it verifies again), owned by the server's user, mode
/// 0700 (or the shared mode and ACLs, read again whenever the inode's change time moved). The file-system layer adds descriptor-relative checks at each system call.
public final class WorkdirSandboxValidator: SandboxValidator {
    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    /// What the last full check of a workdir's privacy saw: its inode's change time, which the
    /// kernel moves on every change of mode, owner or ACL (and which no call can set back).
    private struct Checked: Equatable {
        var identity: Identity
        var changeSeconds: Int
        var changeNanoseconds: Int
        /// The user the workdir is shared with (a reload may change it).
        var sharedWith: UInt32?
        /// The permission bits, already in hand from the `lstat(2)`: compared too (review 15).
        var mode: UInt32
    }

    private let verified = Mutex<[String: Identity]>([:])
    /// Workdirs whose privacy (mode, ACLs) was read in full at the change time recorded: until the
    /// inode changes, a call costs the `lstat(2)` alone, not two `lgetxattr(2)` more.
    private let privacyChecked = Mutex<[String: Checked]>([:])
    /// The server's effective uid: fixed for the life of the process, so read once, not per call.
    private static let serverUID = geteuid()

    /// Creates the validator.
    public init() {}

    public func validate(tool: String, arguments: [String: JSONValue], client: ClientContext) -> String? {
        let workdir = client.workdir
        var info = stat()
        guard lstat(workdir, &info) == 0 else {
            forget(workdir)
            return "the client's sandbox is not usable: its workdir \(workdir) is missing"
        }
        let current = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if let known = verified.withLock({ $0[workdir] }), known == current {
            guard (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == Self.serverUID else {
                forget(workdir)
                return "the client's workdir \(workdir) is no longer private to the server's user"
            }
            let checked = Checked(
                identity: current,
                changeSeconds: Int(info.st_ctim.tv_sec),
                changeNanoseconds: Int(info.st_ctim.tv_nsec),
                sharedWith: client.runAs?.uid,
                mode: UInt32(info.st_mode) & 0o7777
            )
            if privacyChecked.withLock({ $0[workdir] }) == checked { return nil }
            guard Self.isPrivate(workdir, mode: info.st_mode, sharedWith: client.runAs) else {
                forget(workdir)
                return "the client's workdir \(workdir) is no longer private to the server's user"
            }
            privacyChecked.withLock { $0[workdir] = checked }
            return nil
        }
        // First call, or the path now names something else: verify it from scratch before adopting it.
        do {
            try WorkdirProvisioner.verify(workdir, sharedWith: client.runAs)
        } catch {
            forget(workdir)
            return "the client's sandbox is not usable: \(error.message)"
        }
        verified.withLock { $0[workdir] = current }
        return nil
    }

    /// Mode 0700, or (shared with the run_as user) exactly the workdir ACL: two `lgetxattr(2)`.
    private static func isPrivate(_ workdir: String, mode: mode_t, sharedWith user: SystemUser?) -> Bool {
        guard let user = WorkdirProvisioner.sharingUser(user) else { return mode & 0o077 == 0 }
        return WorkdirProvisioner.isShared(workdir, mode: UInt32(mode), with: user)
    }

    private func forget(_ workdir: String) {
        _ = verified.withLock { $0.removeValue(forKey: workdir) }
        _ = privacyChecked.withLock { $0.removeValue(forKey: workdir) }
    }
}

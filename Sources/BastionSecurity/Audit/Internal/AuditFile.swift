import BastionProtocol
import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

/// One open audit file. A class so that the group-commit thread can keep syncing a file the
/// request path has just rotated away from: the descriptor closes when the last holder lets go.
final class AuditFile: Sendable {
    /// Opened `O_RDWR | O_APPEND`: writes always append; reads find the last record.
    let descriptor: Int32

    /// Opens (creating, mode 0600) `path` for appending.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - isExclusive: Fail when the file exists (`O_EXCL`).
    /// - Throws: ``AuditError`` with the path and `strerror`.
    init(path: String, isExclusive: Bool = false) throws(AuditError) {
        let flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (isExclusive ? O_EXCL : 0)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else {
            throw AuditError(message: "cannot open audit log \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// `fstat(2)` of the descriptor.
    func status() -> stat? {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? status : nil
    }

    /// Whether the file was rotated away (mode without the owner's write bit, see
    /// ``AuditWriter/rotate(_:)``) or deleted (no link left): the path must be opened again.
    static func isRetired(_ status: stat) -> Bool {
        status.st_nlink == 0 || status.st_mode & S_IWUSR == 0
    }

    /// Writes all of `bytes`, retrying after `EINTR` and short writes.
    ///
    /// - Returns: `nil`, or the `errno` of the failure.
    func writeAll(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        FileDescriptorIO.writeAll(descriptor, bytes)
    }
}

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where `run_code` and `start_process` put the code their interpreter reads: a directory of the
/// server's own (`/tmp/bastion-code-XXXXXX`, mode 0711), made once, that no child can write.
///
/// Not the workdir: the client's children may write there, and one still running could rename a
/// file of its own over the next run's code between its approval and the interpreter opening it,
/// so the code that ran would not be the code shown and audited (review 9, finding 7). Here a
/// file is 0400, readable by the run_as user through a one-entry ACL only, and its name is random
/// (the directory cannot be listed); the child sees only its own file, bound read-only into its
/// minimal root and allowed by one Landlock rule.
public final class CodeDirectory: Sendable {
    /// The server's, made at its start (``path``) so that the file tools and every write root
    /// can be kept out of it before any code is written there (review 10, finding 2).
    public static let shared = CodeDirectory()

    private let state = Mutex<(path: String, descriptor: Int32)?>(nil)
    private let template: String

    /// - Parameter template: The `mkdtemp(3)` template (ending in `XXXXXX`).
    public init(template: String = "/tmp/bastion-code-XXXXXX") {
        self.template = template
    }

    /// Writes code to a new file (`O_EXCL`, 0400); `uid` is given read access when it is not the
    /// server's own.
    /// - Returns: A descriptor of the directory (the caller's, for ``remove(_:in:)``) and the
    ///   file's path.
    func write(_ bytes: [UInt8], readableBy uid: UInt32?) throws(ExecutionError) -> (directory: Int32, path: String) {
        let (path, shared) = try directory()
        let directory = dup(shared)
        guard directory >= 0 else { throw ExecutionError(.spawnFailed, "cannot open the code directory") }
        let name = "run-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let file = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o400)
        guard file >= 0 else {
            let problem = String(cString: strerror(errno))
            close(directory)
            throw ExecutionError(.spawnFailed, "cannot write the code file: \(problem)")
        }
        defer { close(file) }
        var failed = !bytes.withUnsafeBytes { FileDescriptorWriter.writeAll(file, $0) }
        if !failed, let uid, uid != geteuid() {
            let acl = PosixACL([
                PosixACL.Entry(.userObject, 4), PosixACL.Entry(.user, 4, id: uid), PosixACL.Entry(.groupObject, 0),
                PosixACL.Entry(.mask, 4), PosixACL.Entry(.other, 0),
            ])
            failed = (try? acl.write(descriptor: file, .access)) == nil
        }
        guard !failed else {
            _ = unlinkat(directory, name, 0)
            close(directory)
            throw ExecutionError(.spawnFailed, "cannot write the code file")
        }
        return (directory, path + "/" + name)
    }

    /// The directory's path, made now if it is not yet; `nil` when it cannot be made.
    public var path: String? { try? directory().0 }

    /// The directory, made on first use.
    private func directory() throws(ExecutionError) -> (String, Int32) {
        let made = state.withLock { state -> (String, Int32)? in
            if let state { return (state.path, state.descriptor) }
            var bytes = Array(template.utf8CString)
            let created = bytes.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkdtemp($0) != nil } ?? false }
            guard created else { return nil }
            let path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // Searchable, not listable: a child reaches its own file by name, no other.
            guard chmod(path, 0o711) == 0 else {
                rmdir(path)
                return nil
            }
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else {
                rmdir(path)
                return nil
            }
            state = (path, descriptor)
            return (path, descriptor)
        }
        guard let made else {
            throw ExecutionError(.spawnFailed, "cannot create the code directory: \(String(cString: strerror(errno)))")
        }
        return made
    }

    /// Removes the directory when it is empty (server shutdown).
    public func removeIfEmpty() {
        state.withLock { state in
            guard let current = state else { return }
            if rmdir(current.path) == 0 {
                close(current.descriptor)
                state = nil
            }
        }
    }
}

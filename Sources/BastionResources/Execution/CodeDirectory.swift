import BastionSecurity
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where `run_code` and `start_process` put the code their interpreter reads: a directory of the
/// server's own (`/tmp/bastion-code-<pid>-XXXXXX`, mode 0711), made once, that no child can write,
/// with one subdirectory per client (0311: nobody lists it, not even a uid-0 child; a random name).
/// What a server killed with SIGKILL left there is removed at the next start (``removeStale(in:)``).
///
/// Not the workdir: the client's children may write there, and one still running could rename a
/// file of its own over the next run's code between its approval and the interpreter opening it,
/// so the code that ran would not be the code shown and audited (review 9, finding 7). Here a
/// file is 0400, readable by the run_as user through a one-entry ACL only, and its name is random
/// (the directories cannot be listed); a child sees only its own
/// client's subdirectory, bound read-only into its minimal root and allowed by one Landlock rule,
/// the same for every run of that client (so that a `sandbox-exec` prepared ahead fits a code run
/// too, ``WarmSandboxes``): a file of another run of the same client there is reachable by its
/// random name only, and never writable.
public final class CodeDirectory: Sendable {
    /// The server's, made at its start (``path``) so that the file tools and every write root
    /// can be kept out of it before any code is written there (review 10, finding 2).
    public static let shared = CodeDirectory()

    private struct State {
        var root: (path: String, descriptor: Int32)?
        /// Each client's subdirectory, by client id.
        var clients: [String: (path: String, descriptor: Int32)] = [:]
    }

    private let state = Mutex(State())
    private let parent: String

    /// Where the server's code directory is made (a name of the form it has there): no workdir may
    /// hold it (a uid-0 child owns the server's root-owned directories there, review 12, finding 1).
    public static let defaultTemplate = "/tmp/" + namePrefix + "PID-XXXXXX"

    /// - Parameter parent: The directory the code directory is made in, once it is checked
    ///   (``unsafeParent(_:)``) and cleared of what dead servers left (``removeStale(in:)``).
    public init(parent: String = "/tmp") {
        self.parent = parent
    }

    /// Writes code to a new file (`O_EXCL`, 0400) in the client's subdirectory; `uid` is given
    /// read access when it is not the server's own.
    /// - Returns: A descriptor of the subdirectory (the caller's, for removing the file) and the
    ///   file's path.
    func write(
        _ bytes: [UInt8],
        readableBy uid: UInt32?,
        client: String
    ) throws(ExecutionError) -> (directory: Int32, path: String) {
        let (path, shared) = try clientDirectory(client)
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

    /// The client's subdirectory, made now if it is not yet: what every run of a client that may
    /// run code sees of this directory.
    /// - Throws: ``ExecutionError`` when it cannot be made.
    func clientDirectory(_ client: String) throws(ExecutionError) -> (path: String, descriptor: Int32) {
        let (rootPath, root) = try directory()
        let made = state.withLock { state -> (String, Int32)? in
            if let known = state.clients[client] { return known }
            let name = "c-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
            guard mkdirat(root, name, 0o700) == 0 else { return nil }
            let descriptor = openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            // Searchable, not listable, not even by its owner: a uid-0 child (sudo, without
            // capabilities) reaches its own file by name and lists nothing; the server writes here.
            guard descriptor >= 0, fchmod(descriptor, 0o311) == 0 else {
                if descriptor >= 0 { close(descriptor) }
                _ = unlinkat(root, name, AT_REMOVEDIR)
                return nil
            }
            state.clients[client] = (rootPath + "/" + name, descriptor)
            return (rootPath + "/" + name, descriptor)
        }
        guard let made else {
            throw ExecutionError(.spawnFailed, "cannot create the code directory: \(String(cString: strerror(errno)))")
        }
        return made
    }

    /// The directory's path, made now if it is not yet; `nil` when it cannot be made.
    public var path: String? { try? directory().0 }

    /// The directory, made on first use.
    private func directory() throws(ExecutionError) -> (String, Int32) {
        let made = state.withLock { state -> Result<(String, Int32), ExecutionError> in
            if let root = state.root { return .success((root.path, root.descriptor)) }
            if let problem = Self.unsafeParent(parent) { return .failure(ExecutionError(.spawnFailed, problem)) }
            Self.removeStale(in: parent)
            var bytes = Array((parent + "/" + Self.namePrefix + "\(getpid())-XXXXXX").utf8CString)
            let created = bytes.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkdtemp($0) != nil } ?? false }
            guard created else { return .failure(Self.cannotCreate()) }
            let path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // Searchable, not listable: a child reaches its own file by name, no other.
            guard chmod(path, 0o711) == 0 else {
                let error = Self.cannotCreate()
                rmdir(path)
                return .failure(error)
            }
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else {
                let error = Self.cannotCreate()
                rmdir(path)
                return .failure(error)
            }
            // Held for the server's life: what says "in use" to a sweeping server that cannot
            // see this pid (another pid namespace sharing /tmp; review 13, finding 1).
            guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
                let error = Self.cannotCreate()
                close(descriptor)
                rmdir(path)
                return .failure(error)
            }
            state.root = (path, descriptor)
            return .success((path, descriptor))
        }
        return try made.get()
    }

    private static func cannotCreate() -> ExecutionError {
        ExecutionError(.spawnFailed, "cannot create the code directory: \(String(cString: strerror(errno)))")
    }

    /// Removes the directory and the clients' subdirectories that are empty (server shutdown).
    public func removeIfEmpty() {
        state.withLock { state in
            guard let root = state.root else { return }
            for (client, directory) in state.clients {
                guard let (_, name) = PathBytes.splitLast(directory.path),
                    unlinkat(root.descriptor, name, AT_REMOVEDIR) == 0
                else { continue }
                close(directory.descriptor)
                state.clients[client] = nil
            }
            if rmdir(root.path) == 0 {
                close(root.descriptor)
                state.root = nil
            }
        }
    }
}

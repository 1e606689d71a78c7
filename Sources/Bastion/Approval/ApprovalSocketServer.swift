import BastionProtocol
import BastionSystem
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The local approval channel's listener: `<dir>/<pid>.sock`, mode 0600, in a 0700 directory, served
/// by one dedicated thread blocked in `accept(2)` (no polling).
///
/// Three locks keep other users out: the directory's mode, the socket's mode, and the peer's uid
/// (`SO_PEERCRED`) compared with ours on every connection.
final class ApprovalSocketServer: Sendable {
    /// The socket's path.
    let path: String
    /// How long one connection may take to send its line or read the answer.
    static let connectionTimeoutSeconds = 5

    private struct State {
        var isStopping = false
        var thread: pthread_t?
    }

    private let fd: Int32
    private let inode: ino_t
    private let pending: PendingApprovals
    private let logger: Logger
    private let state = Mutex(State())

    /// Binds the socket and starts the accept thread.
    /// - Parameters:
    ///   - directory: The approval directory (created 0700 if missing).
    ///   - pending: The calls the socket answers for.
    ///   - logger: Where refusals and failures are logged.
    /// - Throws: ``ApprovalError`` when the directory is unsafe or the socket cannot be made.
    init(directory: String, pending: PendingApprovals, logger: Logger) throws(ApprovalError) {
        try ApprovalDirectory.prepare(directory)
        let path = directory + "/" + ApprovalDirectory.socketName(pid: getpid())
        let fd = try UnixSocket.make()
        do {
            self.inode = try Self.bind(fd, to: path)
        } catch {
            close(fd)
            throw error
        }
        self.path = path
        self.fd = fd
        self.pending = pending
        self.logger = logger
        try startThread()
    }

    /// Binds and listens; returns the socket file's inode (so `stop` removes only its own file).
    private static func bind(_ fd: Int32, to path: String) throws(ApprovalError) -> ino_t {
        // A file left by a dead process that had our pid: only a socket is ever removed.
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
        let status = try UnixSocket.withAddress(path) { Glibc.bind(fd, $0, $1) }
        guard status == 0 else { throw .system("cannot bind the approval socket \(path)", errno: errno) }
        // The directory is already 0700; the socket's own mode is the second lock.
        guard chmod(path, 0o600) == 0, lstat(path, &info) == 0, listen(fd, 16) == 0 else {
            let code = errno
            unlink(path)
            throw .system("cannot set up the approval socket \(path)", errno: code)
        }
        return info.st_ino
    }

    private func startThread() throws(ApprovalError) {
        switch DetachedThread.startJoinable({ [self] in acceptLoop() }) {
        case .success(let thread):
            state.withLock { $0.thread = thread }
        case .failure(let error):
            removeSocket()
            close(fd)
            throw .system("cannot start the approval listener thread", errno: error.status)
        }
    }

    /// Stops the listener, waits for its thread, and removes the socket file. Idempotent.
    func stop() {
        let thread = state.withLock { state -> pthread_t? in
            guard !state.isStopping else { return nil }
            state.isStopping = true
            defer { state.thread = nil }
            return state.thread
        }
        guard let thread else { return }
        // Wakes the thread blocked in accept(2) (it then fails with EINVAL); the descriptor is closed
        // only after the thread is gone, so it cannot be reused under it.
        shutdown(fd, Int32(SHUT_RDWR))
        pthread_join(thread, nil)
        removeSocket()
        close(fd)
    }

    private var isStopping: Bool { state.withLock { $0.isStopping } }

    private func removeSocket() {
        var info = stat()
        if lstat(path, &info) == 0, info.st_ino == inode { unlink(path) }
    }

    private func acceptLoop() {
        while true {
            let connection = UnixSocket.acceptConnection(fd)
            if connection >= 0 {
                serve(connection)
                close(connection)
                continue
            }
            let code = errno
            if isStopping { return }
            switch code {
            case EINTR, ECONNABORTED:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of resources: back off briefly instead of spinning on the same failure.
                logger.warning(
                    "Approval socket cannot accept",
                    metadata: ["error": "\(String(cString: strerror(code)))"]
                )
                usleep(100_000)
            default:
                logger.error("Approval socket failed", metadata: ["error": "\(String(cString: strerror(code)))"])
                return
            }
        }
    }

    /// Answers one connection: one request line, one answer line.
    private func serve(_ connection: Int32) {
        UnixSocket.setTimeouts(connection, seconds: Self.connectionTimeoutSeconds)
        guard let uid = UnixSocket.peerUID(connection), uid == geteuid() else {
            logger.warning("Approval socket refused a peer of another user", metadata: ["socket.path": "\(path)"])
            reply(connection, ApprovalWireProtocol.failure("refused: only the server's own user may answer approvals"))
            return
        }
        let response: JSONValue
        switch UnixSocket.readLine(connection, maxBytes: ApprovalWireProtocol.maxRequestBytes) {
        case .line(let line): response = ApprovalWireProtocol.respond(to: line, pending: pending, pid: getpid())
        case .tooLong: response = ApprovalWireProtocol.tooLong
        case .none: return
        }
        reply(connection, response)
    }

    private func reply(_ connection: Int32, _ response: JSONValue) {
        var bytes = JSONWriter.encode(response)
        bytes.append(UInt8(ascii: "\n"))
        UnixSocket.writeAll(connection, bytes)
    }
}


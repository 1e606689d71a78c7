import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

/// Small, blocking helpers around `AF_UNIX` stream sockets for the local approval channel.
///
/// Each exchange is one request line and one answer line, so plain blocking calls on a dedicated
/// thread are enough: no event loop, no polling.
enum UnixSocket {
    /// The longest path `sockaddr_un.sun_path` holds, terminator excluded.
    static let maxPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// A new `AF_UNIX` stream socket, close-on-exec (a tool's child process must never inherit it).
    static func make() throws(ApprovalError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("cannot create a unix socket", errno: errno) }
        return fd
    }

    /// Calls `body` with the `sockaddr` of `path`.
    static func withAddress<Result>(
        _ path: String,
        _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) throws(ApprovalError) -> Result {
        let bytes = Array(path.utf8)
        guard bytes.count <= maxPathBytes else {
            throw ApprovalError("the socket path \(path) is longer than \(maxPathBytes) bytes")
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in bytes.enumerated() { raw[offset] = byte }
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// The effective uid of the process at the other end of a connected socket (`SO_PEERCRED`),
    /// as the kernel recorded it at `connect(2)`: it cannot be forged by the peer.
    static func peerUID(_ fd: Int32) -> uid_t? {
        // `struct ucred { pid_t pid; uid_t uid; gid_t gid; }` (socket(7)); Glibc hides the type
        // behind _GNU_SOURCE, so it is read as three 32-bit words.
        var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0,
            Int(length) == MemoryLayout.size(ofValue: credentials)
        else { return nil }
        return uid_t(credentials.1)
    }

    private typealias Accept4 =
        @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    /// `accept4(2)`, which Glibc's module map hides behind _GNU_SOURCE; looked up once.
    private static let accept4Function: Accept4? = dlsym(nil, "accept4").map { unsafeBitCast($0, to: Accept4.self) }

    /// Accepts a connection whose descriptor is close-on-exec from the start, so a child process
    /// started meanwhile by another thread can never inherit it.
    static func acceptConnection(_ fd: Int32) -> Int32 {
        if let accept4Function { return accept4Function(fd, nil, nil, Int32(SOCK_CLOEXEC.rawValue)) }
        let connection = accept(fd, nil, nil)
        if connection >= 0 { _ = fcntl(connection, F_SETFD, FD_CLOEXEC) }
        return connection
    }

    /// Bounds every later `read`/`write` on `fd` to `seconds`, so a silent peer cannot hold the
    /// listener's thread forever.
    static func setTimeouts(_ fd: Int32, seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The outcome of reading one line.
    enum Line: Equatable {
        /// A complete line, without its newline (end of input also ends a line).
        case line([UInt8])
        /// More than the allowed bytes arrived before a newline.
        case tooLong
        /// Nothing arrived, or the read failed or timed out.
        case none
    }

    /// Reads up to the first newline (or end of input), refusing lines longer than `maxBytes`.
    static func readLine(_ fd: Int32, maxBytes: Int) -> Line {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            // A failed or timed-out read ends the exchange: a partial line is never taken as a request.
            guard count >= 0 else { return .none }
            guard count > 0 else { return line.isEmpty ? .none : .line(line) }
            if let newline = chunk[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line += chunk[..<newline]
                return line.count > maxBytes ? .tooLong : .line(line)
            }
            line += chunk[..<count]
            if line.count > maxBytes { return .tooLong }
        }
    }

    /// Writes all of `bytes` (never raising `SIGPIPE`).
    /// - Returns: `nil`, or the `errno` of the failure: the peer is gone or the write timed out.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { FileDescriptorIO.sendAll(fd, $0) }
    }
}

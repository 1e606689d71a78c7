#if canImport(Glibc)
import Glibc
#endif

/// One output pipe of a child: bytes kept up to a cap, the rest read and discarded so the child
/// never blocks on a full pipe.
struct OutputCapture {
    var descriptor: Int32
    let cap: Int
    private(set) var bytes: [UInt8] = []
    private(set) var isTruncated = false
    /// Bytes kept since the last progress report.
    var unreported = 0

    init(descriptor: Int32, cap: Int) {
        self.descriptor = descriptor
        self.cap = cap
    }

    var isOpen: Bool { descriptor >= 0 }

    /// Reads what is there now; closes the pipe at end of file or on an error.
    mutating func readAvailable(into scratch: inout [UInt8]) {
        let count = scratch.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR || errno == EAGAIN { return }
        guard count > 0 else { return finish() }
        let room = max(0, cap - bytes.count)
        if count > room { isTruncated = true }
        let kept = min(room, count)
        if kept > 0 {
            bytes.append(contentsOf: scratch[0..<kept])
            unreported += kept
        }
    }

    /// Closes our end.
    mutating func finish() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}

/// Bytes written to a child's pipe (its stdin, the policy) without ever blocking the supervisor.
struct InputFeed {
    var descriptor: Int32
    let bytes: [UInt8]
    private var offset = 0

    init(descriptor: Int32, bytes: [UInt8]) {
        self.descriptor = descriptor
        self.bytes = bytes
        if descriptor >= 0 { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
        if bytes.isEmpty { finish() }
    }

    var isOpen: Bool { descriptor >= 0 }

    /// Writes as much as the pipe takes now; closes it when everything is written or the reader
    /// is gone (EPIPE: SIGPIPE is blocked on the supervisor's thread).
    mutating func writeAvailable() {
        let count = bytes.withUnsafeBytes { all in
            write(descriptor, all.baseAddress.map { $0 + offset }, all.count - offset)
        }
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            return finish()
        }
        offset += count
        if offset >= bytes.count { finish() }
    }

    mutating func finish() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}

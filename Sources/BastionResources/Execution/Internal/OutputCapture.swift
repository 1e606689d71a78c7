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
    /// - Returns: How many bytes were read into `scratch` (all of them, kept or not).
    @discardableResult
    mutating func readAvailable(into scratch: inout [UInt8]) -> Int {
        let count = scratch.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR || errno == EAGAIN { return 0 }
        guard count > 0 else {
            finish()
            return 0
        }
        let room = max(0, cap - bytes.count)
        if count > room { isTruncated = true }
        let kept = min(room, count)
        if kept > 0 {
            bytes.append(contentsOf: scratch[0..<kept])
            unreported += kept
        }
        return count
    }

    /// Closes our end.
    mutating func finish() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}

/// Bytes written to a child's pipe (its stdin, the policy) without ever blocking the supervisor.
///
/// A feed that ``keepsOpen`` (a process session's stdin) stays open when it has written everything,
/// for bytes ``append(_:)`` adds later, until ``closeWhenDrained`` is set.
struct InputFeed {
    var descriptor: Int32
    private(set) var bytes: [UInt8]
    private var offset = 0
    let keepsOpen: Bool
    /// Close once the pending bytes are written (a feed that ``keepsOpen``).
    var closeWhenDrained = false

    init(descriptor: Int32, bytes: [UInt8], keepsOpen: Bool = false) {
        self.descriptor = descriptor
        self.bytes = bytes
        self.keepsOpen = keepsOpen
        if descriptor >= 0 { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
        if bytes.isEmpty, !keepsOpen { finish() }
    }

    var isOpen: Bool { descriptor >= 0 }
    /// Whether bytes wait to be written (only then is the pipe polled for room).
    var hasPending: Bool { offset < bytes.count }

    /// Adds bytes to write; closes the feed when it is to close and nothing is left.
    mutating func append(_ more: [UInt8]) {
        guard isOpen else { return }
        if offset > 0 {
            bytes.removeFirst(offset)
            offset = 0
        }
        bytes += more
        if closeWhenDrained, !hasPending { finish() }
    }

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
        guard offset >= bytes.count else { return }
        if keepsOpen, !closeWhenDrained {
            bytes = []
            offset = 0
        } else {
            finish()
        }
    }

    mutating func finish() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}

public import BastionProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes newline-terminated messages to a file descriptor, one writer at a time.
///
/// Messages from concurrent requests are serialized by a mutex around the `write(2)` loop, so they
/// never interleave. After the peer goes away (`EPIPE`) every later send is dropped and reported.
public final class FileDescriptorSink: MessageSink {
    private let descriptor: Int32
    // The mutex guards the descriptor's write position as well as the flag.
    private let isClosed = Mutex(false)

    /// Creates a sink writing to `descriptor` (not owned: never closed by the sink).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    @discardableResult
    public func send(_ message: [UInt8]) -> Bool {
        var framed = message
        framed.append(0x0A)
        return isClosed.withLock { closed -> Bool in
            guard !closed else { return false }
            let written = framed.withUnsafeBytes { writeAll($0) }
            if !written { closed = true }
            return written
        }
    }

    /// Whether a write has failed because the peer is gone.
    public var isPeerGone: Bool { isClosed.withLock { $0 } }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var next = bytes.baseAddress else { return true }
        var remaining = bytes.count
        while remaining > 0 {
            let count = write(descriptor, next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            remaining -= count
            next += count
        }
        return true
    }
}

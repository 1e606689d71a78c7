// Newline-delimited message reading with blocking read(2) into one growable buffer.
import Glibc

/// Reads newline-terminated messages from a file descriptor. A returned line (without its
/// terminator) points into the reader's buffer and stays valid until the next call.
final class LineReader {
    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Start of the unconsumed bytes.
    private var start = 0
    /// End of the bytes read so far.
    private var end = 0
    /// Where to continue looking for a newline (everything in start..<scanned has none).
    private var scanned = 0
    /// Set once read(2) returned 0 or failed.
    private(set) var closed = false

    init(fd: Int32, capacity: Int = 1 << 20) {
        self.fd = fd
        self.capacity = capacity
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    /// The next complete line. With `blocking` false, returns nil instead of calling read(2)
    /// when no complete line is buffered. Returns nil at end of stream.
    @inline(__always)
    func nextLine(blocking: Bool = true) -> UnsafeBufferPointer<UInt8>? {
        while true {
            if scanned < end, let nl = memchr(buffer + scanned, 0x0A, end - scanned) {
                let nlIndex = buffer.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                var lineEnd = nlIndex
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }  // tolerate CRLF
                let line = UnsafeBufferPointer(start: buffer + start, count: lineEnd - start)
                start = nlIndex + 1
                scanned = start
                return line
            }
            scanned = end
            if !blocking || closed { return nil }
            fill()
        }
    }

    private func fill() {
        if start == end {
            start = 0
            end = 0
            scanned = 0
        } else if end == capacity {
            if start > 0 {
                let pending = end - start
                memmove(buffer, buffer + start, pending)
                start = 0
                end = pending
                scanned = pending
            } else {
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: end)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n > 0 {
                end += n
                return
            }
            if n < 0 && errno == EINTR { continue }
            closed = true
            return
        }
    }
}

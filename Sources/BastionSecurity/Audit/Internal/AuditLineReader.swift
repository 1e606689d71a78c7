#if canImport(Glibc)
import Glibc
#endif

/// Reads a file line by line in large blocks, so a log of any size is checked in bounded memory.
struct AuditLineReader: ~Copyable {
    private let descriptor: Int32
    private var buffer: [UInt8]
    /// Valid bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var isAtEOF = false

    /// Opens `path` for reading.
    ///
    /// - Parameter path: The file.
    /// - Throws: ``AuditError`` when it cannot be opened.
    init(path: String, blockSize: Int = 1 << 20) throws(AuditError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw AuditError(message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.buffer = [UInt8](repeating: 0, count: blockSize)
    }

    deinit {
        close(descriptor)
    }

    /// Calls `body` with each line (without its line feed) and whether it ended in a line feed;
    /// only the last line of a file can lack one.
    ///
    /// - Parameter body: Returns `false` to stop early.
    /// - Throws: ``AuditError`` on a read error.
    mutating func forEachLine(
        _ body: (UnsafeRawBufferPointer, _ isTerminated: Bool) -> Bool
    ) throws(AuditError) {
        while true {
            let newline: Int? = buffer.withUnsafeBytes { bytes in
                guard end > start, let base = bytes.baseAddress,
                    let found = memchr(base + start, 0x0A, end - start)
                else { return nil }
                return base.distance(to: UnsafeRawPointer(found))
            }
            if let newline {
                let keepGoing = buffer.withUnsafeBytes {
                    body(UnsafeRawBufferPointer(rebasing: $0[start..<newline]), true)
                }
                start = newline + 1
                if !keepGoing { return }
                continue
            }
            if isAtEOF {
                if end > start {
                    _ = buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end]), false) }
                }
                return
            }
            try refill()
        }
    }

    /// Moves the partial line to the front (growing the buffer for a long line) and reads more.
    private mutating func refill() throws(AuditError) {
        if start > 0 {
            let count = end - start
            buffer.withUnsafeMutableBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                memmove(base, base + start, count)
            }
            (start, end) = (0, count)
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let count = buffer.withUnsafeMutableBytes { bytes in
            read(descriptor, bytes.baseAddress.map { $0 + end }, bytes.count - end)
        }
        if count < 0 {
            if errno == EINTR { return }
            throw AuditError(message: "read error: \(String(cString: strerror(errno)))")
        }
        if count == 0 { isAtEOF = true }
        end += count
    }
}

/// Splits a byte stream into newline-delimited frames (the MCP stdio framing), without I/O.
///
/// A line longer than `maxFrameBytes` is never buffered whole: once it passes the limit the framer
/// stops storing it, counts the rest up to the next newline and reports it as oversized, so a 20 MB
/// line costs at most the limit in memory. Blank lines are skipped; a trailing `\r` is removed.
public struct LineFramer {
    /// One framing event.
    public enum Event {
        /// A complete line (without its newline); valid only during the callback.
        case frame(UnsafeRawBufferPointer)
        /// A line of `byteCount` bytes that was discarded for exceeding the limit.
        case oversized(byteCount: Int)
    }

    private let maxFrameBytes: Int
    private var pending: [UInt8] = []
    /// Length of the line being discarded, or `nil` when not discarding.
    private var discarding: Int?
    /// Whether the last byte kept or discarded so far was `\r` (for the count of a discarded line).
    private var discardedEndsWithCR = false

    /// Creates a framer.
    /// - Parameter maxFrameBytes: The longest line accepted, in bytes, newline excluded.
    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Feeds bytes read from the stream and emits every frame they complete.
    public mutating func append(_ chunk: UnsafeRawBufferPointer, _ emit: (Event) -> Void) {
        var start = 0
        while start < chunk.count {
            guard let newline = Self.index(of: 0x0A, in: chunk, from: start) else {
                keep(UnsafeRawBufferPointer(rebasing: chunk[start...]))
                return
            }
            let piece = UnsafeRawBufferPointer(rebasing: chunk[start..<newline])
            start = newline + 1
            if let discarded = discarding {
                discarding = nil
                // Counted like a line that fits in one chunk: without its trailing \r.
                let endsWithCR = piece.isEmpty ? discardedEndsWithCR : piece[piece.count - 1] == 0x0D
                emit(.oversized(byteCount: discarded + piece.count - (endsWithCR ? 1 : 0)))
            } else if pending.isEmpty {
                // Fast path: the whole line is inside this chunk, no copy.
                emitLine(piece, emit)
            } else {
                pending.append(contentsOf: piece)
                let line = pending
                pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
                line.withUnsafeBytes { emitLine($0, emit) }
            }
        }
    }

    /// Flushes a last line that had no newline, at end of input.
    public mutating func finish(_ emit: (Event) -> Void) {
        if let discarded = discarding {
            discarding = nil
            // Counted like every other line: without its trailing \r.
            emit(.oversized(byteCount: discarded - (discardedEndsWithCR ? 1 : 0)))
        } else if !pending.isEmpty {
            let line = pending
            pending.removeAll()
            line.withUnsafeBytes { emitLine($0, emit) }
        }
    }

    private mutating func keep(_ rest: UnsafeRawBufferPointer) {
        if !rest.isEmpty { discardedEndsWithCR = rest[rest.count - 1] == 0x0D }
        if let discarded = discarding {
            discarding = discarded + rest.count
        } else if pending.count + rest.count > maxFrameBytes + 1 {
            // +1 leaves room for a trailing \r on a line of exactly the limit.
            discarding = pending.count + rest.count
            pending = []
        } else {
            pending.append(contentsOf: rest)
        }
    }

    private func emitLine(_ line: UnsafeRawBufferPointer, _ emit: (Event) -> Void) {
        var end = line.count
        if end > 0, line[end - 1] == 0x0D { end -= 1 }
        if end > maxFrameBytes {
            emit(.oversized(byteCount: end))
            return
        }
        let trimmed = UnsafeRawBufferPointer(rebasing: line[..<end])
        guard trimmed.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
        emit(.frame(trimmed))
    }

    private static func index(of byte: UInt8, in buffer: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = buffer.baseAddress, start < buffer.count else { return nil }
        guard let found = memchr(base + start, Int32(byte), buffer.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

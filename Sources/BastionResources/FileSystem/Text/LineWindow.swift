#if canImport(Glibc)
import Glibc
#endif

/// The first or last lines of an open file, for the `head` and `tail` arguments of `read_text_file`.
///
/// A file is a sequence of lines, each ended by LF except perhaps the last; a final LF does not start an extra empty
/// line. The selected lines are returned joined by LF, without a final LF, as the reference's `headFile` and
/// `tailFile` join them. Like the reference, ``tail(fd:size:lines:maxBytes:)`` turns CRLF into LF while
/// ``head(fd:lines:maxBytes:fileBytes:)`` leaves CRs in place. Unlike the reference's `tailFile`, a file ending in LF does not
/// have an empty last line (the reference returns `""` for the last line of `"a\n"`), and characters are never split
/// at chunk boundaries.
///
/// Both read with `pread`, so the file offset of `fd` is not used or moved, and read at most
/// ``readBound(maxBytes:fileBytes:)`` bytes of the file, into one buffer of that size allocated once: `tail` reads
/// backwards from the end and stops at the first chunk that holds enough line feeds. What they hold meanwhile is
/// at most twice that (the buffer and the text made of it), so a caller can reserve the memory before reading.
public enum LineWindow {
    /// Selected lines of a file.
    public struct Excerpt: Sendable, Hashable {
        /// The lines, joined by LF.
        public var text: String
        /// Whether `maxBytes` cut the text: `head` then lacks its end, `tail` its beginning (cut at a character
        /// boundary in both cases).
        public var isTruncated: Bool

        /// Creates an excerpt.
        public init(text: String, isTruncated: Bool) {
            self.text = text
            self.isTruncated = isTruncated
        }
    }

    /// How many bytes each `pread` asks for.
    public static let chunkSize = 64 * 1024

    /// The most bytes ``head(fd:lines:maxBytes:fileBytes:)`` or ``tail(fd:size:lines:maxBytes:)`` read of a file:
    /// `maxBytes` and the chunk that crosses it, and never more than the file holds.
    /// - Parameters:
    ///   - maxBytes: The `maxBytes` of the call.
    ///   - fileBytes: The most bytes the call may find in the file (its size, or `fileBytes` for `head`).
    public static func readBound(maxBytes: Int, fileBytes: Int) -> Int {
        min(max(0, fileBytes), max(0, min(maxBytes, Int.max - 2 * chunkSize)) + 2 * chunkSize)
    }

    /// Reads up to `count` bytes at an offset into a buffer and returns how many it read; 0 means end of file.
    typealias Reader = (UnsafeMutableRawBufferPointer, Int64) throws(LineWindowError) -> Int

    /// The first `lines` lines of the file open as `fd`.
    /// - Parameters:
    ///   - fd: A file descriptor open for reading.
    ///   - lines: How many lines to return; 0 or fewer returns an empty excerpt.
    ///   - maxBytes: The most bytes of text to return; the excerpt is truncated beyond it.
    ///   - fileBytes: The most bytes read from the file (its size when it was opened: a file that grows meanwhile
    ///     is read as it was); by default up to its end, wherever that is.
    /// - Returns: The lines, joined by LF.
    /// - Throws: ``LineWindowError`` with code ``LineWindowError/Code/readFailed`` or
    ///   ``LineWindowError/Code/invalidUTF8``.
    public static func head(
        fd: Int32,
        lines: Int,
        maxBytes: Int,
        fileBytes: Int = .max
    ) throws(LineWindowError) -> Excerpt {
        try head(reader: preadReader(fd), lines: lines, maxBytes: maxBytes, fileBytes: fileBytes)
    }

    /// The last `lines` lines of the file open as `fd`, whose size is `size`.
    /// - Parameters:
    ///   - fd: A file descriptor open for reading.
    ///   - size: The size of the file from `fstat`; reading starts there and goes backwards.
    ///   - lines: How many lines to return; 0 or fewer returns an empty excerpt.
    ///   - maxBytes: The most bytes of text to return; the excerpt is truncated (its beginning dropped) beyond it.
    /// - Returns: The lines, joined by LF, with CRLF turned into LF.
    /// - Throws: ``LineWindowError`` with code ``LineWindowError/Code/readFailed``,
    ///   ``LineWindowError/Code/fileChanged`` or ``LineWindowError/Code/invalidUTF8``.
    public static func tail(fd: Int32, size: Int64, lines: Int, maxBytes: Int) throws(LineWindowError) -> Excerpt {
        try tail(reader: preadReader(fd), size: size, lines: lines, maxBytes: maxBytes)
    }

    static func head(
        reader read: Reader,
        lines: Int,
        maxBytes: Int,
        fileBytes: Int = .max
    ) throws(LineWindowError) -> Excerpt {
        guard lines > 0 else { return Excerpt(text: "", isTruncated: false) }
        let limit = max(0, maxBytes)
        // One buffer for all that can be read, filled in place: no growth by doubling, no chunk copies.
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(
            capacity: readBound(maxBytes: limit, fileBytes: fileBytes)
        )
        defer { buffer.deallocate() }
        var filled = 0
        var lineFeeds = 0
        var end: Int?
        var isAtEnd = false
        while end == nil && filled <= limit {
            let next = UnsafeMutableBufferPointer(rebasing: buffer[filled..<min(buffer.count, filled + chunkSize)])
            let count = next.isEmpty ? 0 : try read(UnsafeMutableRawBufferPointer(next), Int64(filled))
            guard count > 0 else {
                isAtEnd = true
                break
            }
            let base = filled
            filled += count
            for index in base..<filled where buffer[index] == UTF8Text.lineFeed {
                lineFeeds += 1
                if lineFeeds == lines {
                    end = index
                    break
                }
            }
        }
        var stop = end ?? filled
        if end == nil, isAtEnd, stop > 0, buffer[stop - 1] == UTF8Text.lineFeed {
            stop -= 1
        }
        var isTruncated = false
        if stop > limit {
            stop = limit
            // Back off to the start of the character that the limit cuts.
            while stop > 0 && buffer[stop] & 0xC0 == 0x80 {
                stop -= 1
            }
            isTruncated = true
        }
        guard let text = String(validating: UnsafeBufferPointer(rebasing: buffer[0..<stop]), as: UTF8.self) else {
            throw .invalidUTF8()
        }
        return Excerpt(text: text, isTruncated: isTruncated)
    }

    static func tail(reader read: Reader, size: Int64, lines: Int, maxBytes: Int) throws(LineWindowError) -> Excerpt {
        guard lines > 0, size > 0 else { return Excerpt(text: "", isTruncated: false) }
        let limit = Int64(max(0, maxBytes))
        // One buffer for the end of the file that can be read, filled backwards in place; it starts at `base`.
        let capacity = readBound(maxBytes: maxBytes, fileBytes: Int(clamping: size))
        let base = size - Int64(capacity)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var position = size
        var contentEnd = size
        var start: Int64?
        var lineFeeds = 0
        repeat {
            let length = Int(min(Int64(chunkSize), position - base))
            position -= Int64(length)
            let lower = Int(position - base)
            let chunk = UnsafeMutableBufferPointer(rebasing: buffer[lower..<lower + length])
            guard try read(UnsafeMutableRawBufferPointer(chunk), position) == length else { throw .fileChanged() }
            if position + Int64(length) == size {
                contentEnd = size - Int64(terminatorLength(of: UnsafeBufferPointer(chunk)))
            }
            // The LF that ends the file ends the last line; it does not start another one.
            var index = Int(min(Int64(length), size - 1 - position)) - 1
            while index >= 0 {
                if chunk[index] == UTF8Text.lineFeed {
                    lineFeeds += 1
                    if lineFeeds == lines {
                        start = position + Int64(index) + 1
                        break
                    }
                }
                index -= 1
            }
        } while start == nil && position > base && contentEnd - position <= limit
        var first = start ?? position
        var isTruncated = false
        if contentEnd - first > limit {
            first = contentEnd - limit
            isTruncated = true
        }
        var lower = Int(first - base)
        let upper = Int(contentEnd - base)
        if isTruncated {
            // Drop the rest of the character that the limit cuts.
            while lower < upper && buffer[lower] & 0xC0 == 0x80 {
                lower += 1
            }
        }
        let end = removingCarriageReturns(buffer, in: lower..<max(lower, upper))
        guard let text = String(validating: UnsafeBufferPointer(rebasing: buffer[lower..<end]), as: UTF8.self) else {
            throw .invalidUTF8()
        }
        return Excerpt(text: text, isTruncated: isTruncated)
    }

    /// 2 for a final CRLF, 1 for a final LF, else 0.
    private static func terminatorLength(of lastChunk: UnsafeBufferPointer<UInt8>) -> Int {
        guard lastChunk.last == UTF8Text.lineFeed else { return 0 }
        return lastChunk.count >= 2 && lastChunk[lastChunk.count - 2] == UTF8Text.carriageReturn ? 2 : 1
    }

    /// Turns CRLF into LF within `range` of `bytes`, in place (no second buffer).
    /// - Returns: Where the normalized bytes now end (they start at `range.lowerBound`).
    private static func removingCarriageReturns(
        _ bytes: UnsafeMutableBufferPointer<UInt8>,
        in range: Range<Int>
    ) -> Int {
        var written = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            let isCRLF =
                byte == UTF8Text.carriageReturn && index + 1 < range.upperBound && bytes[index + 1] == UTF8Text.lineFeed
            if !isCRLF {
                bytes[written] = byte
                written += 1
            }
            index += 1
        }
        return written
    }

    /// A reader that fills the buffer with `pread`, retrying on `EINTR` and short reads until end of file.
    static func preadReader(_ fd: Int32) -> Reader {
        { (buffer: UnsafeMutableRawBufferPointer, offset: Int64) throws(LineWindowError) -> Int in
            var filled = 0
            while filled < buffer.count {
                let result = pread(
                    fd,
                    buffer.baseAddress?.advanced(by: filled),
                    buffer.count - filled,
                    off_t(offset + Int64(filled))
                )
                if result < 0 {
                    if errno == EINTR { continue }
                    throw .readFailed(errno: errno)
                }
                if result == 0 { break }
                filled += result
            }
            return filled
        }
    }
}

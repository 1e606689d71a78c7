#if canImport(Glibc)
import Glibc
#endif

/// Reads one file at a time in 64 KiB chunks (never whole) and finds its matching lines, with
/// context lines, like `grep -n -C N`. One scanner per thread: it owns its read buffer.
///
/// Lines are found in blocks: RE2 searches a block of whole lines at once for the leftmost match
/// (a match cannot cross a line end, see ``LineRegex``), the line around it is reported and the
/// search goes on after it, so lines that do not match cost no call each. A block with a `\r` (a
/// final `\r` is not part of a line) or invalid UTF-8 is matched line by line instead.
final class ContentScanner {
    /// The size of a read; also the most of one line that is matched (a longer line is matched
    /// on its first `chunkBytes` bytes, and the rest of it is skipped).
    static let chunkBytes = 65_536
    /// The most of a line that is shown.
    static let maximumDisplayBytes = 8_192
    /// The most bytes one RE2 call searches, so a stop request is seen between calls.
    static let blockBytes = 16_384

    private let regex: LineRegex
    private let contextLines: Int
    private let limit: Int
    private let budget: ScanBudget?
    private let buffer: UnsafeMutableRawBufferPointer
    private var result = FileScan()
    /// Lines of the current file already handled.
    private var lineNumber = 0
    /// The last few non-matching lines, shown if a match follows.
    private var before: [FileScan.Line] = []
    /// Lines still to show after the last match.
    private var afterRemaining = 0

    /// Creates a scanner.
    /// - Parameters:
    ///   - regex: What to match.
    ///   - contextLines: Lines shown before and after each match.
    ///   - limit: Matches after which a file's scan ends (after its context lines).
    ///   - budget: Bytes of lines the scan may hold; past it the scan stops, deferred. nil: no bound.
    init(regex: LineRegex, contextLines: Int, limit: Int, budget: ScanBudget? = nil) {
        self.regex = regex
        self.contextLines = max(0, contextLines)
        self.limit = max(1, limit)
        self.budget = budget
        buffer = .allocate(byteCount: Self.chunkBytes, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    private var isDone: Bool { result.matchCount >= limit && afterRemaining == 0 || result.isDeferred }

    /// Scans an open file from its current offset; a file whose first chunk holds a NUL byte is
    /// skipped as binary.
    /// - Parameters:
    ///   - descriptor: The open file.
    ///   - size: Its size when opened; once that many bytes are read the scan ends without the
    ///     read that would only report the end. 0 means unknown (read to the end).
    ///   - shouldStop: Asked between chunks and blocks; `true` ends the scan.
    func scan(_ descriptor: Int32, size: Int = 0, shouldStop: () -> Bool = { false }) -> FileScan {
        result = FileScan()
        lineNumber = 0
        before.removeAll(keepingCapacity: true)
        afterRemaining = 0
        var filled = 0
        var total = 0
        var isFirstChunk = true
        var isInLongLine = false
        while !isDone, !shouldStop(), let base = buffer.baseAddress {
            let count = read(descriptor, base + filled, buffer.count - filled)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            if isFirstChunk {
                isFirstChunk = false
                if memchr(base, 0, count) != nil {
                    result.isBinary = true
                    return result
                }
            }
            total += count
            var start = 0
            let end = filled + count
            if isInLongLine {
                // The rest of a line already matched on its first chunk: skip to its end.
                if let newline = find(UInt8(ascii: "\n"), in: 0..<end) {
                    isInLongLine = false
                    start = newline + 1
                } else {
                    start = end
                }
            }
            if let last = findLast(UInt8(ascii: "\n"), in: start..<end) {
                process(start..<last + 1, shouldStop: shouldStop)
                start = last + 1
            }
            if end - start == buffer.count {
                // One line fills the buffer: match what fits and skip the rest of it.
                handleLine(0..<end)
                isInLongLine = true
                filled = 0
            } else {
                memmove(base, base + start, end - start)
                filled = end - start
            }
            if size > 0, total >= size { break }
        }
        if filled > 0, !isInLongLine, !isDone, !shouldStop() { handleLine(0..<filled) }
        return result
    }

    /// Handles whole lines (`range` ends just after a `\n`), a block at a time.
    private func process(_ range: Range<Int>, shouldStop: () -> Bool) {
        var position = range.lowerBound
        while position < range.upperBound, !isDone {
            var end = min(position + Self.blockBytes, range.upperBound)
            if end < range.upperBound {
                // End at a line end: the last one in the block, or the end of a line longer than it.
                let newline =
                    findLast(UInt8(ascii: "\n"), in: position..<end)
                    ?? find(UInt8(ascii: "\n"), in: end..<range.upperBound) ?? range.upperBound - 1
                end = newline + 1
            }
            processBlock(position..<end)
            position = end
            if shouldStop() { return }
        }
    }

    private func processBlock(_ range: Range<Int>) {
        let block = bytes(range)
        let isPlain = find(UInt8(ascii: "\r"), in: range) == nil && LineRegex.isValidUTF8(block)
        var position = range.lowerBound
        while position < range.upperBound, !isDone {
            guard isPlain, afterRemaining == 0, result.matchCount < limit else {
                // One line at a time.
                let newline = find(UInt8(ascii: "\n"), in: position..<range.upperBound) ?? range.upperBound - 1
                handleLine(position..<newline)
                position = newline + 1
                continue
            }
            // A match at the block's end is the empty "line" after its last `\n`: not a line.
            guard let match = regex.firstMatch(in: bytes(position..<range.upperBound)),
                position + match.lowerBound < range.upperBound
            else {
                skipLines(position..<range.upperBound)
                return
            }
            let matchStart = position + match.lowerBound
            let lineStart = findLast(UInt8(ascii: "\n"), in: position..<matchStart).map { $0 + 1 } ?? position
            let lineEnd = find(UInt8(ascii: "\n"), in: matchStart..<range.upperBound) ?? range.upperBound - 1
            skipLines(position..<lineStart)
            lineNumber += 1
            record(lineStart..<lineEnd, isMatch: true)
            position = lineEnd + 1
        }
    }

    /// Matches one line (without its `\n`) on its own.
    private func handleLine(_ range: Range<Int>) {
        lineNumber += 1
        var line = range
        if let last = line.last, buffer[last] == UInt8(ascii: "\r") { line = line.dropLast() }
        let bytes = bytes(line)
        let isMatch = result.matchCount < limit && regex.matches(bytes, isUTF8: LineRegex.isValidUTF8(bytes))
        if isMatch || afterRemaining > 0 {
            record(line, isMatch: isMatch)
        } else if contextLines > 0 {
            before.append(FileScan.Line(number: lineNumber, text: text(line), isMatch: false))
            if before.count > contextLines { before.removeFirst() }
        }
    }

    /// Shows the line numbered `lineNumber`: a match (after the context lines before it) or context.
    private func record(_ line: Range<Int>, isMatch: Bool) {
        let shown = FileScan.Line(number: lineNumber, text: text(line), isMatch: isMatch)
        if let budget {
            let cost = (isMatch ? before : []).reduce(ScanBudget.cost(of: shown.text)) {
                $0 + ScanBudget.cost(of: $1.text)
            }
            guard budget.reserve(cost) else {
                result.isDeferred = true
                return
            }
            result.heldBytes += cost
        }
        if isMatch {
            result.lines += before
            before.removeAll(keepingCapacity: true)
            result.matchCount += 1
            afterRemaining = contextLines
        } else {
            afterRemaining -= 1
        }
        result.lines.append(shown)
    }

    /// Passes over whole lines that do not match, keeping the last few as context.
    private func skipLines(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        var count = 0
        for byte in bytes(range) where byte == UInt8(ascii: "\n") { count += 1 }
        if contextLines > 0 {
            var kept: [FileScan.Line] = []
            var end = range.upperBound - 1
            while kept.count < min(count, contextLines) {
                let start = findLast(UInt8(ascii: "\n"), in: range.lowerBound..<end).map { $0 + 1 } ?? range.lowerBound
                var line = start..<end
                if let last = line.last, buffer[last] == UInt8(ascii: "\r") { line = line.dropLast() }
                kept.append(FileScan.Line(number: lineNumber + count - kept.count, text: text(line), isMatch: false))
                end = start - 1
            }
            before += kept.reversed()
            if before.count > contextLines { before.removeFirst(before.count - contextLines) }
        }
        lineNumber += count
    }

    private func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[range])
    }

    private func text(_ line: Range<Int>) -> String {
        String(decoding: bytes(line.prefix(Self.maximumDisplayBytes)), as: UTF8.self)
    }

    private func find(_ byte: UInt8, in range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = buffer.baseAddress,
            let found = memchr(base + range.lowerBound, Int32(byte), range.count)
        else { return nil }
        return base.distance(to: found)
    }

    private func findLast(_ byte: UInt8, in range: Range<Int>) -> Int? {
        var index = range.upperBound
        while index > range.lowerBound {
            index -= 1
            if buffer[index] == byte { return index }
        }
        return nil
    }
}

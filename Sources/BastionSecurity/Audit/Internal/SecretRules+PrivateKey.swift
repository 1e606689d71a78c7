/// The PEM private-key rule of ``SecretRules``.
extension SecretRules {
    /// The longest base64 line of a key body looked at (PEM uses 64, OpenSSH 70, some tools 76).
    static let maximumKeyLineBytes = 128

    /// `-----BEGIN … PRIVATE KEY-----`, its `Proc-Type:`/`DEK-Info:` headers and base64 body, through
    /// its `-----END …-----` line — or, without one, through the last line of the body, never
    /// beyond: a key cut short is still a key, but what follows it is not (an approval must show a
    /// `curl … | sh` written after a `-----BEGIN … PRIVATE KEY-----` line).
    ///
    /// The body is chunks of base64 separated by line breaks (real ones, or `\n` escaped inside a
    /// string) or blanks (a key pasted on one line). Every chunk has the first one's length but the
    /// last, which is shorter; the body ends at the first chunk that breaks that, at anything that is
    /// not base64, or after the last chunk if what follows is not the END line.
    static func privateKeyBlock(_ bytes: Bytes, at index: Int) -> Range<Int>? {
        guard hasPrefix(bytes, index, "-----BEGIN ") else { return nil }
        let labelStart = index + 11
        var labelEnd = labelStart
        while labelEnd < bytes.count, labelEnd - labelStart <= 64, bytes[labelEnd] != 0x2D, bytes[labelEnd] != 0x0A {
            labelEnd += 1
        }
        guard hasPrefix(bytes, labelEnd, "-----"),
            contains(UnsafeBufferPointer(rebasing: bytes[labelStart..<labelEnd]), "PRIVATE KEY")
        else { return nil }
        var body = KeyBody(end: labelEnd + 5)
        var cursor = body.end
        while true {
            cursor = body.skipSeparators(bytes, from: cursor)
            guard cursor < bytes.count else { return index..<body.end }
            if hasPrefix(bytes, cursor, "-----END") { return index..<endLine(bytes, at: cursor) }
            if body.isAtLineStart, body.width == nil, let header = headerLine(bytes, at: cursor) {
                (body.end, cursor) = (header, header)
                continue
            }
            let chunkEnd = run(bytes, from: cursor, of: .base64, limit: maximumKeyLineBytes + 1)
            guard body.accepts(chunkLength: chunkEnd - cursor) else { return index..<body.end }
            guard isChunkEnd(bytes, at: chunkEnd) else { return index..<body.end }
            (body.end, cursor) = (chunkEnd, chunkEnd)
        }
    }

    /// Whether a chunk may end at `index`: the end of the text, a separator or the END line.
    private static func isChunkEnd(_ bytes: Bytes, at index: Int) -> Bool {
        guard index < bytes.count else { return true }
        let byte = bytes[index]
        if isBlank(byte) || byte == 0x0A { return true }
        if byte == 0x5C { return index + 1 < bytes.count && (bytes[index + 1] == 0x6E || bytes[index + 1] == 0x72) }
        return hasPrefix(bytes, index, "-----END")
    }

    /// `-----END …-----`: its end (the line's, or 80 bytes on, when it has no closing dashes).
    private static func endLine(_ bytes: Bytes, at start: Int) -> Int {
        var close = start + 8
        while close < bytes.count, close - start <= 80, bytes[close] != 0x0A {
            if hasPrefix(bytes, close, "-----") { return close + 5 }
            close += 1
        }
        return close
    }

    /// The end of an RFC 1421 header line (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,…`).
    private static func headerLine(_ bytes: Bytes, at start: Int) -> Int? {
        guard hasPrefix(bytes, start, "Proc-Type:") || hasPrefix(bytes, start, "DEK-Info:") else { return nil }
        var end = start
        while end < bytes.count, end - start <= maximumKeyLineBytes, bytes[end] != 0x0A, bytes[end] != 0x5C {
            let byte = bytes[end]
            guard isLetter(byte) || isDigit(byte) || isBlank(byte) || byte == 0x2D || byte == 0x2C || byte == 0x3A
            else { return nil }
            end += 1
        }
        return end
    }

    /// Where a key body stands while it is read.
    private struct KeyBody {
        /// Where the mask ends so far: after the BEGIN line's dashes, a header or a chunk.
        var end: Int
        /// The first chunk's length; `nil` before it.
        var width: Int?
        /// Whether a shorter chunk (the last one) was seen: only the END line may follow.
        var isComplete = false
        /// Whether the last separator held a line break (headers come on their own lines).
        var isAtLineStart = false

        /// Skips blanks and line breaks (a line feed, or `\n` / `\r` escaped in a string).
        mutating func skipSeparators(_ bytes: Bytes, from start: Int) -> Int {
            var cursor = start
            isAtLineStart = false
            while cursor < bytes.count {
                if isBlank(bytes[cursor]) {
                    cursor += 1
                } else if bytes[cursor] == 0x0A {
                    (cursor, isAtLineStart) = (cursor + 1, true)
                } else if bytes[cursor] == 0x5C, cursor + 1 < bytes.count,
                    bytes[cursor + 1] == 0x6E || bytes[cursor + 1] == 0x72
                {
                    (cursor, isAtLineStart) = (cursor + 2, true)
                } else {
                    break
                }
            }
            return cursor
        }

        /// Whether a chunk of this length continues the body (and notes it).
        mutating func accepts(chunkLength length: Int) -> Bool {
            guard length > 0, length <= SecretRules.maximumKeyLineBytes, !isComplete else { return false }
            guard let width else {
                width = length
                return true
            }
            if length > width { return false }
            if length < width { isComplete = true }
            return true
        }
    }
}

/// Byte-level text helpers shared by the text engine.
///
/// They work on UTF-8 bytes rather than `String` because `String` compares by canonical equivalence while the
/// reference server (JavaScript) compares code units; on valid UTF-8 the two byte-wise and code-unit-wise views agree.
enum UTF8Text {
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// `text` as UTF-8 with every CRLF replaced by LF, like the reference's `normalizeLineEndings`.
    static func normalizedBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingCR = false
        for byte in text.utf8 {
            if pendingCR && byte != lineFeed {
                bytes.append(carriageReturn)
            }
            pendingCR = byte == carriageReturn
            if !pendingCR {
                bytes.append(byte)
            }
        }
        if pendingCR {
            bytes.append(carriageReturn)
        }
        return bytes
    }

    /// The first occurrence of `needle` in `haystack`, found with Knuth–Morris–Pratt in O(n + m) time, so a
    /// pathological `oldText` cannot make the search quadratic.
    static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        // failure[i]: length of the longest proper border of needle[0...i].
        var failure = [Int](repeating: 0, count: needle.count)
        var border = 0
        for index in 1..<max(1, needle.count) {
            while border > 0 && needle[index] != needle[border] {
                border = failure[border - 1]
            }
            if needle[index] == needle[border] {
                border += 1
            }
            failure[index] = border
        }
        var matched = 0
        for (index, byte) in haystack.enumerated() {
            while matched > 0 && byte != needle[matched] {
                matched = failure[matched - 1]
            }
            if byte == needle[matched] {
                matched += 1
            }
            if matched == needle.count {
                return (index + 1 - needle.count)..<(index + 1)
            }
        }
        return nil
    }

    /// The ranges of the `\n`-separated lines of `bytes[range]`, like JavaScript's `split('\n')` (never empty).
    static func lineRanges(_ bytes: [UInt8], in range: Range<Int>? = nil) -> [Range<Int>] {
        let whole = range ?? bytes.indices
        var lines: [Range<Int>] = []
        var start = whole.lowerBound
        for index in whole where bytes[index] == lineFeed {
            lines.append(start..<index)
            start = index + 1
        }
        lines.append(start..<whole.upperBound)
        return lines
    }

    /// Decodes the scalar starting at `index` of valid UTF-8, returning its value and its length in bytes.
    static func scalar(in bytes: [UInt8], at index: Int) -> (value: UInt32, length: Int) {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0..<0x80: return (UInt32(lead), 1)
        case 0xC0..<0xE0: (length, value) = (2, UInt32(lead & 0x1F))
        case 0xE0..<0xF0: (length, value) = (3, UInt32(lead & 0x0F))
        default: (length, value) = (4, UInt32(lead & 0x07))
        }
        for offset in 1..<length where index + offset < bytes.count {
            value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
        }
        return (value, length)
    }

    /// Whether `value` is in JavaScript's `\s` class, which is also what `String.prototype.trim` removes.
    static func isJavaScriptWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            true
        default:
            false
        }
    }

    /// The leading JavaScript whitespace of `bytes[line]`: its end index and its length in UTF-16 code units.
    static func leadingWhitespace(_ bytes: [UInt8], in line: Range<Int>) -> (end: Int, utf16Count: Int) {
        var index = line.lowerBound
        var count = 0
        while index < line.upperBound {
            let (value, length) = scalar(in: bytes, at: index)
            guard isJavaScriptWhitespace(value) else { break }
            // Every JavaScript whitespace scalar is in the BMP, so it is one UTF-16 code unit.
            count += 1
            index += length
        }
        return (index, count)
    }

    /// `bytes[line]` without leading and trailing JavaScript whitespace, like `String.prototype.trim`.
    static func trimmed(_ bytes: [UInt8], in line: Range<Int>) -> Range<Int> {
        let start = leadingWhitespace(bytes, in: line).end
        var end = start
        var index = start
        while index < line.upperBound {
            let (value, length) = scalar(in: bytes, at: index)
            index += length
            if !isJavaScriptWhitespace(value) {
                end = index
            }
        }
        return start..<end
    }
}

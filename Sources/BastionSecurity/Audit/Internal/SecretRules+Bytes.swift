/// Byte classes and comparisons for ``SecretRules`` (ASCII only: every secret shape is ASCII).
extension SecretRules {
    /// The bytes a token body may hold.
    enum ByteClass {
        /// `[A-Za-z0-9]`
        case alphanumeric
        /// `[A-Za-z0-9_]`
        case word
        /// `[A-Za-z0-9-]`
        case dashed
        /// `[A-Za-z0-9_-]` (base64url)
        case token
        /// `[A-Za-z0-9_.-]`
        case dotted
        /// `[A-Z0-9]`
        case upperDigit
        /// `[0-9a-f]`
        case lowerHex
        /// `[A-Za-z0-9+/=]`
        case base64

        func contains(_ byte: UInt8) -> Bool {
            switch self {
            case .alphanumeric: return SecretRules.isLetter(byte) || SecretRules.isDigit(byte)
            case .word: return SecretRules.isLetter(byte) || SecretRules.isDigit(byte) || byte == 0x5F
            case .dashed: return SecretRules.isLetter(byte) || SecretRules.isDigit(byte) || byte == 0x2D
            case .token: return SecretRules.isTokenByte(byte)
            case .dotted: return SecretRules.isTokenByte(byte) || byte == 0x2E
            case .upperDigit: return (byte >= 0x41 && byte <= 0x5A) || SecretRules.isDigit(byte)
            case .lowerHex: return SecretRules.isDigit(byte) || (byte >= 0x61 && byte <= 0x66)
            case .base64:
                return SecretRules.isLetter(byte) || SecretRules.isDigit(byte) || byte == 0x2B || byte == 0x2F
                    || byte == 0x3D
            }
        }
    }

    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `[A-Za-z0-9_-]`: a byte that continues a token, so no token starts right after it.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == 0x5F || byte == 0x2D
    }

    /// `[A-Za-z0-9._~+/=-]`: a byte of an HTTP credential (RFC 6750 `b64token`).
    static func isCredentialByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x2E, 0x7E, 0x2B, 0x2F, 0x3D: return true  // . ~ + / =
        default: return isTokenByte(byte)
        }
    }

    static func isQuote(_ byte: UInt8) -> Bool { byte == 0x22 || byte == 0x27 || byte == 0x60 }

    /// Where an unquoted assigned value ends: a blank, a quote or a separator.
    static func isValueEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x22, 0x27, 0x60, 0x2C, 0x3B, 0x26, 0x3C, 0x3E, 0x29, 0x5D, 0x7D,
            0x7C:
            return true  // blanks, quotes , ; & < > ) ] } |
        default:
            return false
        }
    }

    /// ASCII lower case.
    static func fold(_ byte: UInt8) -> UInt8 { (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte }

    /// The end of the run of `byteClass` bytes starting at `start`.
    /// (At most `limit` bytes are read: a run cut there is as good as too long.)
    static func run(_ bytes: Bytes, from start: Int, of byteClass: ByteClass, limit: Int = Int.max) -> Int {
        var end = start
        let stop = limit >= bytes.count - start ? bytes.count : start + limit
        while end < stop, byteClass.contains(bytes[end]) { end += 1 }
        return end
    }

    /// A blank within a line: space, tab, vertical tab, form feed or carriage return.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C || byte == 0x0D
    }

    /// Up to 8 blanks (``isBlank(_:)``) skipped.
    static func skipBlanks(_ bytes: Bytes, from start: Int) -> Int {
        var end = start
        while end < bytes.count, end - start < 8, isBlank(bytes[end]) { end += 1 }
        return end
    }

    /// Whether `literal` (lower case when `folded`) is at `index`.
    static func hasPrefix(_ bytes: Bytes, _ index: Int, _ literal: [UInt8], folded: Bool = false) -> Bool {
        guard index >= 0, bytes.count - index >= literal.count else { return false }
        for offset in 0..<literal.count {
            let byte = bytes[index + offset]
            if (folded ? fold(byte) : byte) != literal[offset] { return false }
        }
        return true
    }

    /// Whether `literal` (lower case when `folded`) is at `index`.
    static func hasPrefix(_ bytes: Bytes, _ index: Int, _ literal: StaticString, folded: Bool = false) -> Bool {
        literal.withUTF8Buffer { text in
            guard index >= 0, bytes.count - index >= text.count else { return false }
            for offset in 0..<text.count {
                let byte = bytes[index + offset]
                if (folded ? fold(byte) : byte) != text[offset] { return false }
            }
            return true
        }
    }

    /// Whether `literal` occurs in `bytes` (short windows only: quadratic in their length).
    static func contains(_ bytes: Bytes, _ literal: StaticString) -> Bool {
        guard bytes.count >= literal.utf8CodeUnitCount else { return false }
        for index in 0...(bytes.count - literal.utf8CodeUnitCount) where hasPrefix(bytes, index, literal) {
            return true
        }
        return false
    }
}

/// A strict UTF-8 validator (RFC 3629 §4, the Unicode well-formed byte sequences table).
enum UTF8Validation {
    /// What starts at an index.
    enum Sequence: Equatable {
        /// A well-formed scalar of this many bytes.
        case valid(Int)
        /// A well-formed beginning of a scalar that the end of the bytes cuts off.
        case truncated
        /// Not UTF-8.
        case invalid
    }

    /// Classifies the sequence starting at `index` of `bytes`.
    static func sequence(in bytes: [UInt8], at index: Int) -> Sequence {
        let lead = bytes[index]
        let length: Int
        // The allowed range of the second byte depends on the lead byte; it excludes overlong forms, surrogates
        // (ED A0...ED BF) and code points above U+10FFFF.
        let second: ClosedRange<UInt8>
        switch lead {
        case 0x00...0x7F: return .valid(1)
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return .invalid
        }
        for offset in 1..<length {
            guard index + offset < bytes.count else { return .truncated }
            let allowed = offset == 1 ? second : 0x80...0xBF
            guard allowed.contains(bytes[index + offset]) else { return .invalid }
        }
        return .valid(length)
    }
}

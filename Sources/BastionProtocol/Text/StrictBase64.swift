/// Strict RFC 4648 §4 base64, without Foundation: the standard alphabet, `=` padding to a
/// multiple of four, and nothing else — no whitespace, no URL alphabet, no missing padding, and
/// no stray bits in the last character before the padding (§3.5), so every byte string has
/// exactly one accepted text. For small values: header fields, keys, signatures, digests.
package enum StrictBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The bytes `text` encodes; `nil` unless it is strict base64.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(bytes: Array(text.utf8)[...])
    }

    /// The bytes the base64 text `bytes` encodes; `nil` unless it is strict base64.
    package static func decode(bytes: ArraySlice<UInt8>) -> [UInt8]? {
        guard bytes.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let quad = bytes[index..<(index + 4)]
            let padding = quad.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding <= 2, padding == 0 || index + 4 == bytes.endIndex else { return nil }
            var value: UInt32 = 0
            for byte in quad.prefix(4 - padding) {
                guard let bits = sextet(byte) else { return nil }
                value = value << 6 | bits
            }
            value <<= UInt32(6 * padding)
            // The bits a padded group drops must be zero ("QR==" is not another "QQ==").
            guard value & (1 << (8 * UInt32(padding)) - 1) == 0 else { return nil }
            let group = [
                UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                UInt8(truncatingIfNeeded: value),
            ]
            output += group.prefix(3 - padding)
            index += 4
        }
        return output
    }

    /// The base64 of `bytes`, padded.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let left = min(3, input.count - index)
            var group = UInt32(input[index]) << 16
            if left > 1 { group |= UInt32(input[index + 1]) << 8 }
            if left > 2 { group |= UInt32(input[index + 2]) }
            output.append(alphabet[Int(group >> 18)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(left > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(left > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

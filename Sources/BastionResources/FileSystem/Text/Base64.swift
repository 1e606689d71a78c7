/// Base64 encoding (RFC 4648 §4: standard alphabet, `=` padding, no line breaks), without Foundation.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes `bytes` as Base64.
    /// - Parameter bytes: Any bytes, for example the content of a media file.
    /// - Returns: The Base64 text; empty for empty input.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let encoded = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) {
            return encoded
        }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    private static func encode(buffer input: UnsafeBufferPointer<UInt8>) -> String {
        let outputCount = (input.count + 2) / 3 * 4
        return alphabet.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: outputCount) { output in
                var read = 0
                var written = 0
                while read + 3 <= input.count {
                    let group = UInt32(input[read]) << 16 | UInt32(input[read + 1]) << 8 | UInt32(input[read + 2])
                    output[written] = table[Int(group >> 18)]
                    output[written + 1] = table[Int(group >> 12 & 0x3F)]
                    output[written + 2] = table[Int(group >> 6 & 0x3F)]
                    output[written + 3] = table[Int(group & 0x3F)]
                    read += 3
                    written += 4
                }
                let left = input.count - read
                if left > 0 {
                    let second = left == 2 ? UInt32(input[read + 1]) : 0
                    let group = UInt32(input[read]) << 16 | second << 8
                    output[written] = table[Int(group >> 18)]
                    output[written + 1] = table[Int(group >> 12 & 0x3F)]
                    output[written + 2] = left == 2 ? table[Int(group >> 6 & 0x3F)] : UInt8(ascii: "=")
                    output[written + 3] = UInt8(ascii: "=")
                    written += 4
                }
                return written
            }
        }
    }
}

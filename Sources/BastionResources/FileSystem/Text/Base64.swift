public import BastionProtocol

/// Base64 encoding (RFC 4648 §4: standard alphabet, `=` padding, no line breaks), without Foundation.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The length of the encoding of `byteCount` bytes.
    public static func encodedCount(_ byteCount: Int) -> Int {
        (max(0, byteCount) + 2) / 3 * 4
    }

    /// Encodes `bytes` as Base64.
    /// - Parameter bytes: Any bytes, for example the content of a media file.
    /// - Returns: The Base64 text; empty for empty input.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let encoded = bytes.withContiguousStorageIfAvailable({ encodeToString($0) }) {
            return encoded
        }
        return Array(bytes).withUnsafeBufferPointer { encodeToString($0) }
    }

    /// The Base64 of `bytes` as a JSON string produced only when the answer is written, straight into
    /// its output: the encoding exists once, in the message (the bytes are kept until then).
    /// - Parameter bytes: The bytes to encode, for example a file read whole.
    /// - Returns: A lazy JSON string of ``encodedCount(_:)`` bytes.
    public static func lazyJSONString(encoding bytes: [UInt8]) -> LazyJSONString {
        LazyJSONString(byteCount: encodedCount(bytes.count)) { output in
            bytes.withUnsafeBufferPointer { encode($0, into: output) }
        }
    }

    /// Encodes `input` into `output`, which must hold exactly ``encodedCount(_:)`` bytes.
    /// - Parameters:
    ///   - input: The bytes to encode.
    ///   - output: Where the Base64 text goes.
    public static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count == encodedCount(input.count), "Base64: output of the wrong size")
        guard let source = input.baseAddress, let target = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        else { return }
        alphabet.withUnsafeBufferPointer { table in
            var read = 0
            var written = 0
            let count = input.count
            while read + 3 <= count {
                let group = UInt32(source[read]) << 16 | UInt32(source[read + 1]) << 8 | UInt32(source[read + 2])
                target[written] = table[Int(group >> 18)]
                target[written + 1] = table[Int(group >> 12 & 0x3F)]
                target[written + 2] = table[Int(group >> 6 & 0x3F)]
                target[written + 3] = table[Int(group & 0x3F)]
                read += 3
                written += 4
            }
            let left = count - read
            if left > 0 {
                let second = left == 2 ? UInt32(source[read + 1]) : 0
                let group = UInt32(source[read]) << 16 | second << 8
                target[written] = table[Int(group >> 18)]
                target[written + 1] = table[Int(group >> 12 & 0x3F)]
                target[written + 2] = left == 2 ? table[Int(group >> 6 & 0x3F)] : UInt8(ascii: "=")
                target[written + 3] = UInt8(ascii: "=")
            }
        }
    }

    private static func encodeToString(_ input: UnsafeBufferPointer<UInt8>) -> String {
        let outputCount = encodedCount(input.count)
        return String(unsafeUninitializedCapacity: outputCount) { output in
            encode(input, into: UnsafeMutableRawBufferPointer(output))
            return outputCount
        }
    }
}

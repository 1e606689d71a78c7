/// Chunk sizes for feeding a stream in pieces, drawn from the input's hash, so that each input is
/// also cut at different boundaries (1-byte reads, reads ending inside a `\r\n`, large reads).
package struct ChunkSizes: IteratorProtocol {
    private static let sizes = [1, 2, 7, 64, 255, 256, 257, 4_096, 65_536, 65_536]
    private var state: UInt64

    /// - Parameter seed: Any value, typically ``FuzzInput/hash``.
    package init(seed: UInt64) {
        state = seed | 1
    }

    /// The next chunk size (xorshift64 over a fixed table); never `nil`.
    package mutating func next() -> Int? {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Self.sizes[Int(state % UInt64(Self.sizes.count))]
    }
}

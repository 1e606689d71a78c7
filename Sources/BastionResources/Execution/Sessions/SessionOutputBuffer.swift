/// One output stream of a process session, kept in a bounded buffer addressed by absolute byte
/// offsets: when older bytes are discarded to stay within ``capacity``, offsets keep counting, so a
/// reader asking for a discarded offset learns how many bytes it lost (never silently).
public struct SessionOutputBuffer: Sendable, Hashable {
    /// What one read returns.
    public struct Slice: Sendable, Hashable {
        /// The bytes from the first offset still held (or the one asked for) on.
        public var bytes: [UInt8]
        /// The offset to ask for next: one past the last byte returned.
        public var nextOffset: Int
        /// Bytes between the offset asked for and the first one still held (discarded unread).
        public var dropped: Int
    }

    /// The most bytes held; older ones are discarded first.
    public let capacity: Int
    /// The absolute offset of the first byte held.
    public private(set) var startOffset = 0
    private var bytes: [UInt8] = []

    /// Creates an empty buffer.
    /// - Parameter capacity: The most bytes held (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The absolute offset one past the last byte ever appended.
    public var endOffset: Int { startOffset + bytes.count }

    /// Bytes discarded since the start, whether read or not.
    public var discarded: Int { startOffset }

    /// Appends bytes, discarding the oldest beyond ``capacity``.
    public mutating func append(_ chunk: some Collection<UInt8>) {
        guard !chunk.isEmpty else { return }
        if chunk.count >= capacity {
            startOffset += bytes.count + chunk.count - capacity
            bytes = Array(chunk.suffix(capacity))
            return
        }
        bytes.append(contentsOf: chunk)
        let excess = bytes.count - capacity
        if excess > 0 {
            bytes.removeFirst(excess)
            startOffset += excess
        }
    }

    /// The bytes from `offset` on, at most `limit` of them.
    /// - Parameters:
    ///   - offset: An absolute offset; below ``startOffset`` the slice starts at the first byte held
    ///     and says how many were dropped; beyond ``endOffset`` it is empty at ``endOffset``.
    ///   - limit: The most bytes to return.
    /// - Returns: The bytes, the next offset and the bytes lost.
    public func read(from offset: Int, limit: Int = .max) -> Slice {
        let from = min(max(offset, startOffset), endOffset)
        let dropped = max(0, startOffset - offset)
        let count = min(max(0, limit), endOffset - from)
        let first = from - startOffset
        return Slice(bytes: Array(bytes[first..<first + count]), nextOffset: from + count, dropped: dropped)
    }

    /// The length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence
    /// (bytes that are not UTF-8 at all count as complete, so nothing is held back forever).
    public static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        while index >= 0, bytes.count - index <= 4 {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return bytes.count - index >= length ? bytes.count : index
            }
            index -= 1
        }
        return bytes.count
    }
}

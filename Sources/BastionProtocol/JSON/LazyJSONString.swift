/// A JSON string whose content is produced only when it is written, straight into the output buffer:
/// a large value (a file's base64) then exists once in memory, in the message being sent, instead of
/// once as a `String` and again in the message.
///
/// The producer should write ASCII that needs no escaping (base64, hex). The writer checks every byte
/// and escapes whatever would break the JSON text or its framing, so a faulty producer costs time,
/// never a malformed message.
public struct LazyJSONString: Sendable, Hashable {
    /// The exact number of content bytes the producer writes (quotes not included).
    public let byteCount: Int
    private let produce: @Sendable (UnsafeMutableRawBufferPointer) -> Void

    /// Creates a lazily produced string.
    /// - Parameters:
    ///   - byteCount: Exactly how many bytes `produce` writes.
    ///   - produce: Fills a buffer of exactly `byteCount` bytes (zeroed beforehand) with the content. It
    ///     may run more than once (each time the value is written) and must write the same bytes each time.
    public init(byteCount: Int, produce: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void) {
        self.byteCount = max(0, byteCount)
        self.produce = produce
    }

    /// Writes the content into `buffer`: exactly ``byteCount`` bytes, already zeroed (so a producer
    /// that writes less leaves zeros, never stale memory).
    func write(intoZeroed buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count == byteCount, "LazyJSONString: buffer of the wrong size")
        produce(buffer)
    }

    /// The content as a `String` (a copy: for tests, logs and small values).
    public var string: String {
        var bytes = [UInt8](repeating: 0, count: byteCount)
        bytes.withUnsafeMutableBytes { write(intoZeroed: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func == (lhs: LazyJSONString, rhs: LazyJSONString) -> Bool {
        lhs.byteCount == rhs.byteCount && lhs.string == rhs.string
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(byteCount)
    }
}

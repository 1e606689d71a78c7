import BastionProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Where the chain of an audit file stands: its last complete record, read backwards from the end.
///
/// Another process sharing the file may have appended since this logger last wrote; its last record
/// gives the `seq` and `prev` the next record continues from, so the chain stays one chain.
struct AuditTail: Equatable {
    /// The last record's `seq`, 0 for an empty file (or a last line that is not a record).
    var sequence: Int64
    /// The last record's `hash`, ``AuditCanonicalForm/genesisHash`` when there is none.
    var hash: String
    /// Whether the file ends without a line feed (a write torn by a crash): the next record must
    /// start on a new line.
    var isTorn: Bool

    /// How far back a last line is looked for: records are redacted, so a real one is far shorter.
    static let maxLineBytes = 1 << 20
    /// The read size when walking backwards.
    static let step = 4096

    /// Reads the tail of the file open on `descriptor`, whose size is `size`.
    ///
    /// - Parameters:
    ///   - descriptor: A readable descriptor of the audit file.
    ///   - size: The file's current size.
    /// - Returns: The last complete record's `seq` and `hash`, or the genesis state.
    static func read(descriptor: Int32, size: Int64) -> AuditTail {
        var tail = AuditTail(sequence: 0, hash: AuditCanonicalForm.genesisHash, isTorn: false)
        guard size > 0 else { return tail }
        // `buffer` holds the file's bytes from `start` to `size`, grown backwards a step at a time.
        var buffer: [UInt8] = []
        var start = size
        var lineEnd: Int? = nil  // index in `buffer` of the line feed that ends the last complete line
        while start > 0, Int(size - start) < maxLineBytes {
            let count = Int(min(Int64(step), start))
            start -= Int64(count)
            var chunk = [UInt8](repeating: 0, count: count)
            let got = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(start)) }
            guard got == count else { return tail }
            buffer.insert(contentsOf: chunk, at: 0)
            if lineEnd == nil {
                tail.isTorn = buffer.last != 0x0A
                lineEnd = buffer.lastIndex(of: 0x0A)
            } else {
                lineEnd = lineEnd.map { $0 + count }
            }
            guard let end = lineEnd else { continue }
            if let newline = buffer[..<end].lastIndex(of: 0x0A) {
                return parsed(buffer[(newline + 1)..<end], into: tail)
            }
            if start == 0 { return parsed(buffer[..<end], into: tail) }
        }
        return tail
    }

    private static func parsed(_ line: ArraySlice<UInt8>, into tail: AuditTail) -> AuditTail {
        var tail = tail
        guard let record = try? JSONParser.parse(line), let sequence = record["seq"]?.intValue else { return tail }
        tail.sequence = sequence
        if let hash = record["hash"]?.stringValue, AuditCanonicalForm.isHash(hash) { tail.hash = hash }
        return tail
    }
}

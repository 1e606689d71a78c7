/// The `id` of an SSE event on a session's stream, `TAG-STREAM-SEQUENCE`: the session's random
/// tag (8 hexadecimal digits, so an id of another session is told apart from one of this
/// session), the stream's number in the session, the event's sequence number on that stream
/// (0 is the priming event, messages count from 1). What a client sends back as `Last-Event-ID`.
struct SSEEventID: Sendable, Hashable, CustomStringConvertible {
    /// The longest `Last-Event-ID` read at all: 8 + 1 + 9 + 1 + 9 characters.
    static let maximumLength = 28
    /// The most digits of a stream or sequence number (9: no overflow of `Int`).
    static let maximumDigits = 9

    let tag: UInt32
    let stream: Int
    let sequence: Int

    init(tag: UInt32, stream: Int, sequence: Int) {
        self.tag = tag
        self.stream = stream
        self.sequence = sequence
    }

    /// Reads `text`; `nil` unless it is exactly `TAG-STREAM-SEQUENCE`. The length is checked
    /// first, so nothing proportional to a long input is done or allocated.
    init?(_ text: String) {
        let utf8 = text.utf8
        guard utf8.count <= Self.maximumLength else { return nil }
        var fields: (tag: UInt32, stream: Int, sequence: Int) = (0, 0, 0)
        var index = 0
        var digits = 0
        for byte in utf8 {
            if byte == UInt8(ascii: "-") {
                guard digits > 0, index < 2 else { return nil }
                guard index > 0 || digits == 8 else { return nil }
                index += 1
                digits = 0
                continue
            }
            digits += 1
            if index == 0 {
                guard digits <= 8, let value = Self.hexValue(byte) else { return nil }
                fields.tag = fields.tag << 4 | UInt32(value)
            } else {
                guard digits <= Self.maximumDigits, (0x30...0x39).contains(byte) else { return nil }
                let value = Int(byte - 0x30)
                if index == 1 {
                    fields.stream = fields.stream * 10 + value
                } else {
                    fields.sequence = fields.sequence * 10 + value
                }
            }
        }
        guard index == 2, digits > 0 else { return nil }
        self.init(tag: fields.tag, stream: fields.stream, sequence: fields.sequence)
    }

    var description: String {
        let hex = String(tag, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex + "-\(stream)-\(sequence)"
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}

import BastionProtocol

/// A second, deliberately naive JSON parser (recursive descent, RFC 8259 with Bastion's extra rules),
/// written independently of ``JSONParser`` so that the two can be compared on every input.
///
/// Extra rules, as `JSONParser` documents them: well-formed UTF-8 only, no lone surrogate escapes,
/// no repeated key (Swift `String` equality), no byte order mark, a nesting limit. Integers without
/// fraction or exponent that fit `Int64` are `.int`, every other number a finite `.double`.
struct ReferenceJSON {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private var position = 0

    /// Parses `bytes`, or returns `nil` when the document is not accepted.
    static func parse(_ bytes: [UInt8], maxDepth: Int) -> JSONValue? {
        var parser = ReferenceJSON(bytes: bytes, maxDepth: maxDepth)
        parser.skipSpace()
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.position == bytes.count ? value : nil
    }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let byte = next, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func eat(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        position += 1
        return true
    }

    private mutating func eat(_ word: String) -> Bool {
        let expected = Array(word.utf8)
        guard bytes.count - position >= expected.count,
            Array(bytes[position..<position + expected.count]) == expected
        else { return false }
        position += expected.count
        return true
    }

    private mutating func value(depth: Int) -> JSONValue? {
        switch next {
        case UInt8(ascii: "{"): return object(depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return eat("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return eat("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return eat("null") ? .null : nil
        default: return number()
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        guard depth <= maxDepth else { return nil }
        position += 1
        skipSpace()
        var elements: [JSONValue] = []
        if eat(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipSpace()
            guard let element = value(depth: depth) else { return nil }
            elements.append(element)
            skipSpace()
            if eat(UInt8(ascii: "]")) { return .array(elements) }
            guard eat(UInt8(ascii: ",")) else { return nil }
        }
    }

    private mutating func object(depth: Int) -> JSONValue? {
        guard depth <= maxDepth else { return nil }
        position += 1
        skipSpace()
        var members: [String: JSONValue] = [:]
        if eat(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipSpace()
            guard next == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard eat(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            guard let member = value(depth: depth), members[key] == nil else { return nil }
            members[key] = member
            skipSpace()
            if eat(UInt8(ascii: "}")) { return .object(members) }
            guard eat(UInt8(ascii: ",")) else { return nil }
        }
    }

    /// A string: escapes decoded to UTF-8, raw bytes copied, the whole validated at the end.
    private mutating func string() -> String? {
        position += 1
        var decoded: [UInt8] = []
        while let byte = next {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard escape(into: &decoded) else { return nil }
            case ..<0x20:
                return nil
            default:
                decoded.append(byte)
            }
        }
        return nil
    }

    private mutating func escape(into decoded: inout [UInt8]) -> Bool {
        guard let byte = next else { return false }
        position += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            decoded.append(replacement)
            return true
        }
        guard byte == UInt8(ascii: "u"), let high = hex4() else { return false }
        var scalar = high
        if (0xD800...0xDBFF).contains(high) {
            guard eat("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
            scalar = 0x10000 + (high - 0xD800) * 0x400 + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { return false }
        decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - position >= 4 else { return nil }
        let digits = String(decoding: bytes[position..<position + 4], as: UTF8.self)
        guard digits.utf8.allSatisfy({ UInt8(ascii: "0")...UInt8(ascii: "9") ~= $0 || (0x61...0x66) ~= $0 | 0x20 }),
            let value = UInt32(digits, radix: 16)
        else { return nil }
        position += 4
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, converted by the standard library.
    private mutating func number() -> JSONValue? {
        let start = position
        _ = eat(UInt8(ascii: "-"))
        let firstDigit = position
        let count = digits()
        guard count > 0, count == 1 || bytes[firstDigit] != UInt8(ascii: "0") else { return nil }
        var isInteger = true
        if eat(UInt8(ascii: ".")) {
            isInteger = false
            guard digits() > 0 else { return nil }
        }
        if eat(UInt8(ascii: "e")) || eat(UInt8(ascii: "E")) {
            isInteger = false
            _ = eat(UInt8(ascii: "+")) || eat(UInt8(ascii: "-"))
            guard digits() > 0 else { return nil }
        }
        let literal = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int64(literal) { return .int(integer) }
        guard let double = Double(literal), double.isFinite else { return nil }
        return .double(double)
    }

    private mutating func digits() -> Int {
        let start = position
        while let byte = next, UInt8(ascii: "0")...UInt8(ascii: "9") ~= byte { position += 1 }
        return position - start
    }
}

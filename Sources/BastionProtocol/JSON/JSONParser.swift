/// A strict RFC 8259 JSON parser for untrusted input.
///
/// The parser works directly on the raw bytes with an index and an explicit stack, so nesting is bounded
/// by ``JSONLimits/maxDepth`` rather than by the thread's stack. It is stricter than the RFC requires in
/// three places, all for security: strings must be well-formed UTF-8 (no replacement characters are
/// substituted), lone surrogate escapes are rejected, and an object may not repeat a key, so no two
/// parsers can disagree about which value of a repeated key wins.
public enum JSONParser {
    /// Parses one JSON document.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 encoded document, optionally surrounded by JSON whitespace.
    ///   - limits: The size and depth limits; the size is checked before anything is allocated.
    /// - Returns: The parsed value.
    /// - Throws: A ``JSONParseError`` with code `tooLarge`, `tooDeep`, `invalidUTF8` or `syntax`.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        limits: JSONLimits = .default
    ) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw .tooLarge(size: bytes.count, maxBytes: limits.maxBytes)
        }
        var reader = Reader(bytes: bytes, maxDepth: limits.maxDepth)
        return try reader.parseDocument()
    }

    /// Parses one JSON document held in an array.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 encoded document.
    ///   - limits: The size and depth limits.
    /// - Returns: The parsed value.
    /// - Throws: A ``JSONParseError``, as for the `UnsafeRawBufferPointer` overload.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try parse(buffer, limits: limits) }
        }
        return try result.get()
    }

    /// Parses one JSON document held in an array slice.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 encoded document.
    ///   - limits: The size and depth limits.
    /// - Returns: The parsed value.
    /// - Throws: A ``JSONParseError``, as for the `UnsafeRawBufferPointer` overload.
    public static func parse(
        _ bytes: ArraySlice<UInt8>,
        limits: JSONLimits = .default
    ) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try parse(buffer, limits: limits) }
        }
        return try result.get()
    }

    /// Parses one JSON document held in a string.
    ///
    /// - Parameters:
    ///   - text: The document.
    ///   - limits: The size and depth limits, applied to the UTF-8 length of `text`.
    /// - Returns: The parsed value.
    /// - Throws: A ``JSONParseError``, as for the `UnsafeRawBufferPointer` overload.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        let size = text.utf8.count
        guard size <= limits.maxBytes else {
            throw .tooLarge(size: size, maxBytes: limits.maxBytes)
        }
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(buffer), limits: limits) }
        }
        return try result.get()
    }
}

extension JSONParser {
    /// The parsing state: a cursor over the input plus a reusable buffer for strings with escapes.
    struct Reader {
        /// An array or object being read. Its finished children wait on the shared `values` and `keys`
        /// stacks until it closes, so each container costs one exactly sized allocation.
        private struct Frame {
            let isObject: Bool
            /// Where this container's children start in `values`.
            let valueStart: Int
            /// Where this object's keys start in `keys`.
            let keyStart: Int
        }

        /// An object key and its offset, kept for duplicate-key errors.
        private struct Key {
            let name: String
            let offset: Int
        }

        private let bytes: UnsafeRawBufferPointer
        private let maxDepth: Int
        private var index = 0
        /// The open containers, innermost last; its length is the current depth.
        private var frames: [Frame] = []
        /// Finished children of the open containers.
        private var values: [JSONValue] = []
        /// Keys of the open objects.
        private var keys: [Key] = []
        /// Decoding buffer for strings with escapes, reused across strings.
        private var scratch: [UInt8] = []

        init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        /// Parses the whole input: whitespace, exactly one value, whitespace.
        mutating func parseDocument() throws(JSONParseError) -> JSONValue {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                throw .syntax("byte order mark is not allowed", at: 0)
            }
            skipWhitespace()
            guard index < bytes.count else { throw .syntax("empty input", at: index) }
            let value = try parseValue()
            skipWhitespace()
            guard index == bytes.count else { throw .syntax("unexpected data after the value", at: index) }
            return value
        }

        /// Parses one value iteratively: containers go on `frames`, so nesting never recurses.
        private mutating func parseValue() throws(JSONParseError) -> JSONValue {
            parsing: while true {
                guard var value = try parseValueStart() else { continue parsing }
                // Attach the finished value to its container, closing containers while they end.
                while let frame = frames.last {
                    skipWhitespace()
                    guard index < bytes.count else { throw .syntax("unexpected end of input", at: index) }
                    let next = bytes[index]
                    index += 1
                    values.append(value)
                    if next == UInt8(ascii: ",") {
                        if frame.isObject { try parseKey() }
                        continue parsing
                    }
                    if frame.isObject {
                        guard next == UInt8(ascii: "}") else { throw .syntax("expected ',' or '}'", at: index - 1) }
                    } else {
                        guard next == UInt8(ascii: "]") else { throw .syntax("expected ',' or ']'", at: index - 1) }
                    }
                    value = try close(frame)
                }
                return value
            }
        }

        /// Parses a scalar or an empty container whole; opens a non-empty container and returns `nil`.
        private mutating func parseValueStart() throws(JSONParseError) -> JSONValue? {
            skipWhitespace()
            guard index < bytes.count else { throw .syntax("unexpected end of input", at: index) }
            switch bytes[index] {
            case UInt8(ascii: "["): return try open(isObject: false)
            case UInt8(ascii: "{"): return try open(isObject: true)
            default: return try parseScalar()
            }
        }

        /// Steps into the `[` or `{` at `index`, checking the depth first. Returns an empty container
        /// whole; otherwise pushes a frame (and, for an object, reads the first key) and returns `nil`.
        private mutating func open(isObject: Bool) throws(JSONParseError) -> JSONValue? {
            guard frames.count < maxDepth else { throw .tooDeep(maxDepth: maxDepth, at: index) }
            if frames.capacity == 0 {
                // Room for a typical MCP message, so the stacks rarely regrow.
                frames.reserveCapacity(8)
                values.reserveCapacity(16)
                keys.reserveCapacity(16)
            }
            index += 1
            skipWhitespace()
            if consume(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                return isObject ? .object([:]) : .array([])
            }
            frames.append(Frame(isObject: isObject, valueStart: values.count, keyStart: keys.count))
            if isObject { try parseKey() }
            return nil
        }

        /// Pops the innermost container and builds it from its children on the shared stacks.
        ///
        /// Swift compares keys by canonical equivalence, so `"é"` and `"e\u0301"` count as the same key:
        /// stricter than byte equality, which also closes Unicode-normalization confusion.
        private mutating func close(_ frame: Frame) throws(JSONParseError) -> JSONValue {
            frames.removeLast()
            guard frame.isObject else {
                let elements = Array(values[frame.valueStart...])
                values.removeSubrange(frame.valueStart...)
                return .array(elements)
            }
            var members = [String: JSONValue](minimumCapacity: values.count - frame.valueStart)
            for (key, value) in zip(keys[frame.keyStart...], values[frame.valueStart...]) {
                guard members.updateValue(value, forKey: key.name) == nil else {
                    throw .syntax("duplicate key", at: key.offset)
                }
            }
            values.removeSubrange(frame.valueStart...)
            keys.removeSubrange(frame.keyStart...)
            return .object(members)
        }

        /// Parses `"key"` and the `:` after it onto the `keys` stack.
        private mutating func parseKey() throws(JSONParseError) {
            skipWhitespace()
            let start = index
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw .syntax("expected a string key", at: index)
            }
            keys.append(Key(name: try parseString(), offset: start))
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw .syntax("expected ':'", at: index) }
        }

        /// Parses a string, number, `true`, `false` or `null` starting at the current byte.
        private mutating func parseScalar() throws(JSONParseError) -> JSONValue {
            switch bytes[index] {
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try parseLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try parseLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try parseLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw .syntax("unexpected character", at: index)
            }
        }

        private mutating func parseLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw .syntax("invalid literal", at: index) }
            let expected = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != expected[offset] {
                throw .syntax("invalid literal", at: index + offset)
            }
            index += count
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// Skips `byte` if it is next and reports whether it was.
        private mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
    }
}

// MARK: - Strings

extension JSONParser.Reader {
    /// Parses a string whose opening quote is the current byte.
    ///
    /// Fast path: a string without escapes is validated in place and copied once into a `String`.
    fileprivate mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let string = makeString(start..<index)
                index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            try skipStringByte(byte)
        }
        throw .syntax("unterminated string", at: start - 1)
    }

    /// Continues a string at its first backslash, decoding into the scratch buffer.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var runStart = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: scratch, as: UTF8.self) }
                try parseEscape()
                runStart = index
                continue
            }
            try skipStringByte(byte)
        }
        throw .syntax("unterminated string", at: start - 1)
    }

    /// Steps over one unescaped character: rejects control characters and validates multi-byte UTF-8.
    @inline(__always)
    private mutating func skipStringByte(_ byte: UInt8) throws(JSONParseError) {
        if byte >= 0x80 {
            try skipUTF8Sequence()
        } else if byte < 0x20 {
            throw .syntax("unescaped control character in string", at: index)
        } else {
            index += 1
        }
    }

    /// Makes a `String` from bytes already validated as UTF-8, so decoding never substitutes U+FFFD.
    private func makeString(_ range: Range<Int>) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        return String(decoding: slice.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// Validates the multi-byte UTF-8 sequence at `index` (Unicode Table 3-7: no overlongs, no surrogates,
    /// nothing above U+10FFFF) and steps over it.
    private mutating func skipUTF8Sequence() throws(JSONParseError) {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: throw .invalidUTF8(at: index)
        }
        guard bytes.count - index >= length, (low...high).contains(bytes[index + 1]) else {
            throw .invalidUTF8(at: index)
        }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
            throw .invalidUTF8(at: index)
        }
        index += length
    }

    /// Decodes the escape after a backslash (the backslash is already consumed) into the scratch buffer.
    private mutating func parseEscape() throws(JSONParseError) {
        guard index < bytes.count else { throw .syntax("unterminated string", at: index) }
        let decoded: UInt8
        switch bytes[index] {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            index += 1
            try appendScalar(parseUnicodeEscape())
            return
        default: throw .syntax("invalid escape", at: index - 1)
        }
        scratch.append(decoded)
        index += 1
    }

    /// Reads the hex digits of `\uXXXX` (and the low half of a surrogate pair) into a scalar value.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> UInt32 {
        let escapeStart = index - 2
        let first = try parseHex4()
        switch first {
        case 0xD800...0xDBFF:
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw .syntax("lone surrogate in \\u escape", at: escapeStart) }
            index += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw .syntax("lone surrogate in \\u escape", at: escapeStart)
            }
            return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        case 0xDC00...0xDFFF:
            throw .syntax("lone surrogate in \\u escape", at: escapeStart)
        default:
            return first
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw .syntax("invalid \\u escape", at: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw .syntax("invalid \\u escape", at: index)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Appends the UTF-8 encoding of a scalar value (never a surrogate: `parseUnicodeEscape` rejects those).
    private mutating func appendScalar(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(truncatingIfNeeded: scalar))
        case ..<0x800:
            scratch.append(UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        }
    }
}

// MARK: - Numbers

extension JSONParser.Reader {
    /// Parses `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 section 6).
    ///
    /// Integers that fit `Int64` become `.int`; everything else becomes a finite `.double`. A literal
    /// whose magnitude overflows `Double` is rejected rather than turned into infinity. `-0` is `.int(0)`.
    fileprivate mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let isNegative = consume(UInt8(ascii: "-"))
        guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax("expected a digit", at: index) }
        var magnitude: UInt64 = 0
        var overflowed = false
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw .syntax("leading zeros are not allowed", at: index - 1)
            }
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
                magnitude = sum
                overflowed = overflowed || overflow1 || overflow2
                index += 1
            }
        }
        var isInteger = true
        if consume(UInt8(ascii: ".")) {
            isInteger = false
            try skipDigits()
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            isInteger = false
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            try skipDigits()
        }
        if isInteger, !overflowed, let value = makeInt64(magnitude: magnitude, isNegative: isNegative) {
            return .int(value)
        }
        return .double(try makeDouble(start..<index))
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Skips one or more digits.
    private mutating func skipDigits() throws(JSONParseError) {
        guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax("expected a digit", at: index) }
        repeat { index += 1 } while index < bytes.count && isDigit(bytes[index])
    }

    private func makeInt64(magnitude: UInt64, isNegative: Bool) -> Int64? {
        if isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Converts a literal already checked against the JSON grammar, which `Double(String)` accepts as is.
    private func makeDouble(_ range: Range<Int>) throws(JSONParseError) -> Double {
        guard let value = Double(makeString(range)), value.isFinite else {
            throw .syntax("number out of range", at: range.lowerBound)
        }
        return value
    }
}

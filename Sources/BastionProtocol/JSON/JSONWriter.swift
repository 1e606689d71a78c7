/// Serializes ``JSONValue``s to compact, deterministic JSON (RFC 8259).
///
/// The output has no insignificant whitespace and never contains a raw line feed, because the stdio
/// transport frames messages by newline. Object keys are sorted by their UTF-8 bytes, so equal values
/// always produce equal bytes (tests, audit hashing). Non-finite doubles, which JSON cannot express, are
/// written as `null`. Nesting is walked with an explicit stack, so depth never recurses.
public enum JSONWriter {
    /// Appends the JSON text of `value` to `output`.
    ///
    /// - Parameters:
    ///   - value: The value to serialize.
    ///   - output: The buffer to append to; existing bytes are kept.
    public static func write(_ value: JSONValue, into output: inout [UInt8]) {
        var stack: [Frame] = []
        var pending = value
        while true {
            if let frame = open(pending, into: &output) {
                if stack.capacity == 0 { stack.reserveCapacity(8) }
                stack.append(frame)
            }
            guard let next = advance(&stack, into: &output) else { return }
            pending = next
        }
    }

    /// Serializes `value` into a new byte array.
    ///
    /// - Parameter value: The value to serialize.
    /// - Returns: The UTF-8 encoded JSON text.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// Serializes `value` into a string.
    ///
    /// - Parameter value: The value to serialize.
    /// - Returns: The JSON text.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }
}

extension JSONWriter {
    /// An array or object whose children are being written.
    private struct Frame {
        let isObject: Bool
        var elements: [JSONValue] = []
        var members: [Member] = []
        /// The index of the next child to write.
        var next = 0
    }

    private struct Member {
        let key: String
        let value: JSONValue
    }

    /// Writes a scalar or an empty container whole; for a non-empty container writes only the opening
    /// bracket and returns the frame that walks its children.
    private static func open(_ value: JSONValue, into output: inout [UInt8]) -> Frame? {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .int(let number): writeInt(number, into: &output)
        case .double(let number): writeDouble(number, into: &output)
        case .string(let string): writeString(string, into: &output)
        case .lazyString(let string): writeLazyString(string, into: &output)
        case .array(let elements):
            guard !elements.isEmpty else {
                output.append(contentsOf: "[]".utf8)
                return nil
            }
            output.append(UInt8(ascii: "["))
            return Frame(isObject: false, elements: elements)
        case .object(let members):
            guard !members.isEmpty else {
                output.append(contentsOf: "{}".utf8)
                return nil
            }
            output.append(UInt8(ascii: "{"))
            var sorted: [Member] = []
            sorted.reserveCapacity(members.count)
            for (key, member) in members { sorted.append(Member(key: key, value: member)) }
            sorted.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            return Frame(isObject: true, members: sorted)
        }
        return nil
    }

    /// Writes separators and closing brackets until it reaches the next child to write, and returns it;
    /// returns `nil` when every container is closed.
    private static func advance(_ stack: inout [Frame], into output: inout [UInt8]) -> JSONValue? {
        while let top = stack.indices.last {
            let position = stack[top].next
            let isObject = stack[top].isObject
            let count = isObject ? stack[top].members.count : stack[top].elements.count
            guard position < count else {
                output.append(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                stack.removeLast()
                continue
            }
            if position > 0 { output.append(UInt8(ascii: ",")) }
            stack[top].next += 1
            guard isObject else { return stack[top].elements[position] }
            let member = stack[top].members[position]
            writeString(member.key, into: &output)
            output.append(UInt8(ascii: ":"))
            return member.value
        }
        return nil
    }

    private static func writeInt(_ value: Int64, into output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = output.count
        repeat {
            output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        output[start...].reverse()
    }

    /// Writes Swift's shortest round-trip form (`1.5`, `1e+300`, `5e-324`), which is valid JSON.
    private static func writeDouble(_ value: Double, into output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        output.append(contentsOf: value.description.utf8)
    }

    /// Writes a quoted string, copying runs that need no escaping in one append each.
    private static func writeString(_ string: String, into output: inout [UInt8]) {
        // A large string (a file's text) gets room for itself and the rest of the message at once:
        // growth by doubling would leave up to twice its size allocated (issue 9, B4).
        let count = string.utf8.count
        if count >= lazyStringSlack, output.capacity < output.count + count + 2 {
            output.reserveCapacity(output.count + count + 2 + lazyStringSlack)
        }
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices where utf8[index] < 0x20 || utf8[index] == 0x22 || utf8[index] == 0x5C {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                writeEscape(utf8[index], into: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Room left after a large lazy string for the rest of the message (its closing members and
    /// brackets, the transport's newline), so that they never make the buffer grow again.
    static let lazyStringSlack = 64 << 10

    /// Produces a lazy string's content in place, in the output. A large one gets one allocation of
    /// the final size, with room for the rest of the message: growth by doubling would copy it and
    /// leave up to twice its size behind.
    private static func writeLazyString(_ string: LazyJSONString, into output: inout [UInt8]) {
        let count = string.byteCount
        let start = output.count + 1
        if count >= lazyStringSlack, output.capacity < start + count + 1 {
            output = grown(output, forLazyString: string, capacity: start + count + 1 + lazyStringSlack)
        } else {
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: repeatElement(0, count: count))
            output.withUnsafeMutableBytes { all in
                string.write(intoZeroed: UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + count)]))
            }
            output.append(UInt8(ascii: "\""))
        }
        let isPlain = output.withUnsafeBytes { all in
            UnsafeRawBufferPointer(rebasing: all[start..<(start + count)]).allSatisfy {
                $0 >= 0x20 && $0 < 0x80 && $0 != 0x22 && $0 != 0x5C
            }
        }
        guard !isPlain else { return }
        // A producer broke its contract: escape its bytes (invalid UTF-8 repaired) like any string.
        let text = String(decoding: output[start..<(start + count)], as: UTF8.self)
        output.removeSubrange((start - 1)...)
        writeString(text, into: &output)
    }

    /// A copy of `output` with the quoted content of `string` after it, in a new buffer of `capacity`.
    private static func grown(_ output: [UInt8], forLazyString string: LazyJSONString, capacity: Int) -> [UInt8] {
        let prefix = output.count
        let count = string.byteCount
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            output.withUnsafeBufferPointer { old in
                if let source = old.baseAddress { base.initialize(from: source, count: prefix) }
            }
            base[prefix] = UInt8(ascii: "\"")
            let content = UnsafeMutableRawBufferPointer(start: base + prefix + 1, count: count)
            content.initializeMemory(as: UInt8.self, repeating: 0)
            string.write(intoZeroed: content)
            base[prefix + 1 + count] = UInt8(ascii: "\"")
            initialized = prefix + count + 2
        }
    }

    /// Writes the RFC 8259 escape for `"`, `\` or a control character.
    private static func writeEscape(_ byte: UInt8, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: output.append(UInt8(ascii: "\""))
        case 0x5C: output.append(UInt8(ascii: "\\"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        default:
            let hex: StaticString = "0123456789abcdef"
            output.append(contentsOf: "u00".utf8)
            output.append(hex.utf8Start[Int(byte >> 4)])
            output.append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}

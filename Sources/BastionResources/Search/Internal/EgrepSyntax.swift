/// Rewrites a `grep -E` pattern (POSIX extended syntax with the GNU extensions) into the POSIX
/// syntax RE2 parses, on bytes: a Character-level scan would let a combining mark hide a `\`.
///
/// What changes, and why:
/// - `\d \D \w \W \s \S` become the bracket expressions GNU grep gives them (`[0-9]`,
///   `[[:alnum:]_]`, `[[:space:]]`, …): RE2's Perl classes differ (`\s` lacks `\v`).
/// - `\<` and `\>` become `\b`: RE2 has no start- or end-of-word assertion. They mean the same
///   wherever the pattern next to them matches word characters, which is how they are used.
/// - `` \` `` and `\'` (start and end of the text, and here each line is a text) become `^` and `$`.
/// - `{,n}` becomes `{0,n}`; a count above ``maximumRepetition`` is refused before RE2 sees it.
/// - Inside a bracket expression a backslash is an ordinary character (POSIX), so it is escaped for
///   RE2; `[.c.]` and `[=c=]` of one character become that character.
/// - Back-references (`\1`…`\9`) are refused: no automaton can match them.
enum EgrepSyntax {
    /// The largest count a repetition may use (`{n}`, `{m,n}`): POSIX's `RE_DUP_MAX` minimum.
    static let maximumRepetition = 255

    /// The RE2 form of a pattern.
    /// - Throws: ``FileSystemError`` (`invalid` or `limit`) naming what is wrong.
    static func translate(_ pattern: some Sequence<UInt8>) throws(FileSystemError) -> [UInt8] {
        var scanner = Scanner(Array(pattern))
        var output: [UInt8] = []
        output.reserveCapacity(scanner.bytes.count + 16)
        while let byte = scanner.next() {
            switch byte {
            case UInt8(ascii: "\\"): try translateEscape(&scanner, into: &output)
            case UInt8(ascii: "["): try translateBracket(&scanner, into: &output)
            case UInt8(ascii: "{"): try translateInterval(&scanner, into: &output)
            default: output.append(byte)
            }
        }
        return output
    }

    private static func translateEscape(_ scanner: inout Scanner, into output: inout [UInt8]) throws(FileSystemError) {
        guard let next = scanner.next() else { throw invalid("it ends with a lone \\") }
        switch next {
        case UInt8(ascii: "d"): output += Array("[0-9]".utf8)
        case UInt8(ascii: "D"): output += Array("[^0-9]".utf8)
        case UInt8(ascii: "w"): output += Array("[[:alnum:]_]".utf8)
        case UInt8(ascii: "W"): output += Array("[^[:alnum:]_]".utf8)
        case UInt8(ascii: "s"): output += Array("[[:space:]]".utf8)
        case UInt8(ascii: "S"): output += Array("[^[:space:]]".utf8)
        case UInt8(ascii: "<"), UInt8(ascii: ">"): output += Array("\\b".utf8)
        case UInt8(ascii: "`"): output.append(UInt8(ascii: "^"))
        case UInt8(ascii: "'"): output.append(UInt8(ascii: "$"))
        case UInt8(ascii: "1")...UInt8(ascii: "9"): throw invalid("back-references (\\1 to \\9) are not supported")
        default: output += [UInt8(ascii: "\\"), next]
        }
    }

    /// Copies a bracket expression, from after its `[` to its `]`.
    private static func translateBracket(_ scanner: inout Scanner, into output: inout [UInt8]) throws(FileSystemError) {
        output.append(UInt8(ascii: "["))
        if scanner.peek() == UInt8(ascii: "^") { output.append(scanner.next() ?? 0) }
        // A `]` right after `[` or `[^` is a member, not the end.
        if scanner.peek() == UInt8(ascii: "]") {
            output += Array("\\]".utf8)
            _ = scanner.next()
        }
        while let byte = scanner.next() {
            switch byte {
            case UInt8(ascii: "]"):
                output.append(byte)
                return
            case UInt8(ascii: "\\"):
                output += Array("\\\\".utf8)
            case UInt8(ascii: "["):
                guard let kind = scanner.peek(),
                    [UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "=")].contains(kind)
                else {
                    output.append(byte)
                    continue
                }
                _ = scanner.next()
                guard let name = scanner.take(until: [kind, UInt8(ascii: "]")]) else {
                    throw invalid("a bracket expression has an unterminated [\(Character(Unicode.Scalar(kind)))")
                }
                if kind == UInt8(ascii: ":") {
                    output += Array("[:".utf8) + name + Array(":]".utf8)
                } else {
                    output += try collatingElement(name)
                }
            default:
                output.append(byte)
            }
        }
        throw invalid("a bracket expression [ is not closed with ]")
    }

    /// `[.c.]` or `[=c=]` inside a bracket: only single characters are supported (no locale here).
    private static func collatingElement(_ name: [UInt8]) throws(FileSystemError) -> [UInt8] {
        guard let text = String(validating: name, as: UTF8.self), text.unicodeScalars.count == 1 else {
            throw invalid("collating elements and equivalence classes must be one character, like [[.a.]]")
        }
        // Escaped for RE2's class syntax when it is punctuation (`-`, `]`, `^`, `\`).
        if name.count == 1, !name[0].isASCIIAlphanumeric { return [UInt8(ascii: "\\"), name[0]] }
        return name
    }

    /// An interval `{m}`, `{m,}`, `{m,n}` or `{,n}` after `{`; anything else is a literal `{`.
    private static func translateInterval(_ scanner: inout Scanner, into output: inout [UInt8]) throws(FileSystemError)
    {
        let start = scanner.position
        let low = scanner.number()
        var high: Int? = low
        var hasComma = false
        if scanner.peek() == UInt8(ascii: ",") {
            _ = scanner.next()
            hasComma = true
            high = scanner.number()
        }
        guard scanner.peek() == UInt8(ascii: "}"), low != nil || high != nil else {
            scanner.position = start
            output.append(UInt8(ascii: "{"))
            return
        }
        _ = scanner.next()
        for count in [low, high].compactMap({ $0 }) where count > maximumRepetition {
            throw FileSystemError(
                .limit,
                "Invalid regular expression: the repetition count \(count) is above the limit of \(maximumRepetition)"
            )
        }
        var interval = "{\(low ?? 0)"
        if hasComma { interval += "," + (high.map { String($0) } ?? "") }
        output += Array((interval + "}").utf8)
    }

    private static func invalid(_ reason: String) -> FileSystemError {
        FileSystemError(.invalid, "Invalid regular expression: \(reason)")
    }

    /// A cursor over the pattern's bytes.
    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func next() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        /// The bytes before the two-byte `terminator`, which is consumed; nil if it never comes.
        mutating func take(until terminator: [UInt8]) -> [UInt8]? {
            var index = position
            while index + 1 < bytes.count {
                if bytes[index] == terminator[0], bytes[index + 1] == terminator[1] {
                    defer { position = index + 2 }
                    return Array(bytes[position..<index])
                }
                index += 1
            }
            return nil
        }

        /// A decimal number (capped well above any limit, so it cannot overflow), or nil.
        mutating func number() -> Int? {
            var value: Int?
            while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                value = min((value ?? 0) * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000)
                position += 1
            }
            return value
        }
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}

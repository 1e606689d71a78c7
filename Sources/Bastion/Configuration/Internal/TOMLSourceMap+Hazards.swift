/// The checks that find where toml++ would assert on a character (``TOMLParserHazard``), each
/// called where the scanner is at the same point as toml++: a statement starting with `[`, an
/// array element after `[` or `,`, a bare value. Each flags only text that is never valid TOML,
/// and at least every case on which toml++ asserts.
extension TOMLSourceMap.Scanner {
    /// Records a table header without a key at `index`; returns whether it did.
    mutating func noteHeaderHazard() -> Bool {
        guard let offset = headerKeyHazardOffset() else { return false }
        let bad = TOMLParserHazard.describe(scalars[index + offset])
        note(at: offset, replacement: "]", "a table header needs a key, not \(bad), after its \"[\"")
        return true
    }

    /// Records an array element starting with a character that toml++'s `parse_array` hands to
    /// `parse_value`, which asserts it is not a value terminator; returns whether it did.
    mutating func noteArrayElementHazard() -> Bool {
        guard let scalar = peek(), ["}", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) else { return false }
        note(at: 0, replacement: ",", "an array element cannot start with \(TOMLParserHazard.describe(scalar))")
        return true
    }

    /// Records a date-time without digits after its `T` at `index`; returns whether it did.
    mutating func noteDateTimeHazard() -> Bool {
        guard let offset = dateTimeHazardOffset() else { return false }
        let separator = TOMLParserHazard.describe(scalars[index + 10])
        note(at: offset, replacement: " ", "a date-time needs digits after its \(separator)")
        return true
    }

    /// Records a date followed by a space and one digit at `index`; returns whether it did.
    mutating func noteDateSpaceHazard() -> Bool {
        guard let offset = dateSpaceHazardOffset() else { return false }
        note(at: offset, replacement: "x", "a date and time need a two-digit hour after the space")
        return true
    }

    /// Records the hazard `offset` scalars after `index`, on the current line.
    private mutating func note(at offset: Int, replacement: Unicode.Scalar, _ message: String) {
        firstParserHazard = TOMLParserHazard(
            position: TOMLSourceMap.Position(line: line, column: column + offset),
            scalarOffset: index + offset,
            replacement: replacement,
            message: message
        )
    }

    /// The offset from `index` of the character after `[` or `[[` and blanks when it is neither a
    /// key nor `]`: toml++'s `parse_table_header` calls `parse_key` on it behind an assertion.
    /// `[ [` (refused with an error of its own) and the end of input are not flagged.
    func headerKeyHazardOffset() -> Int? {
        var offset = 1
        while peek(offset) == " " || peek(offset) == "\t" { offset += 1 }
        if peek(offset) == "[" {
            guard offset == 1 else { return nil }
            offset += 1
            while peek(offset) == " " || peek(offset) == "\t" { offset += 1 }
        }
        guard let next = peek(offset) else { return nil }
        switch next {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-", "\"", "'", "]": return nil
        default: return offset
        }
    }

    /// The offset from `index` of the character after `YYYY-MM-DDT` when the value goes on with
    /// something other than a digit: toml++ then takes it for a date-time and `parse_time` asserts
    /// that character is a digit. (Replaced by a space, the value is refused as of no known type.)
    func dateTimeHazardOffset() -> Int? {
        for offset in [0, 1, 2, 3, 5, 6, 8, 9] {
            guard let scalar = peek(offset), ("0"..."9").contains(scalar) else { return nil }
        }
        guard peek(4) == "-", peek(7) == "-", peek(10) == "T" || peek(10) == "t", let next = peek(11) else {
            return nil
        }
        switch next {
        case "0"..."9", " ", "\t", "\n", "\r", "#", ",", "]", "}": return nil
        default: return 11
        }
    }

    /// The offset from `index` of the digit in `DDDD-DD-DD D` (ten characters before the space, not
    /// counting `_`, with `-` at the fifth and eighth) when something other than a digit follows it.
    /// toml++ then looks ahead for a date-time with a space, scans on after the digit, and asserts
    /// the next character is not a value terminator. `DDDD-DD-DD D` then anything but a digit is
    /// never TOML; replaced by `x`, the digit is refused as text after the value.
    func dateSpaceHazardOffset() -> Int? {
        guard let first = peek(), ("0"..."9").contains(first) else { return nil }
        var offset = 0
        var kept: [Unicode.Scalar] = []
        // Only ASCII terminators: toml++ stops at each of them too (and at more, which can only end
        // its scan earlier, short of ten characters).
        while let scalar = peek(offset), !" \t\n\r\u{0B}\u{0C}]},#".unicodeScalars.contains(scalar) {
            if scalar != "_" {
                kept.append(scalar)
                guard kept.count <= 10 else { return nil }
            }
            offset += 1
        }
        guard kept.count == 10, kept[4] == "-", kept[7] == "-", peek(offset) == " ",
            let digit = peek(offset + 1), ("0"..."9").contains(digit),
            let after = peek(offset + 2), !("0"..."9").contains(after)
        else { return nil }
        return offset + 1
    }
}

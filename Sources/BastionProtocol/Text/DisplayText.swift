/// Text from a client made safe to put in front of a person: a log line, a terminal, a dialog.
///
/// Control characters (C0, DEL, C1), format characters (bidirectional overrides such as U+202E,
/// zero-width spaces and joiners), line and paragraph separators, surrogates, private-use and
/// unassigned scalars are written `\u{…}`, so the text can neither forge lines, move the cursor,
/// nor reverse what is read. The result is cut to a number of UTF-8 bytes and says so.
public enum DisplayText {
    /// `text` escaped and cut to at most about `maxBytes` UTF-8 bytes (an ellipsis marks a cut).
    /// - Parameters:
    ///   - text: Any text.
    ///   - maxBytes: The longest output kept before the ellipsis.
    ///   - keepingLines: Keep line feeds and tabs as they are (multi-line content shown in a pager).
    /// - Returns: The escaped text; `text` itself when it is short printable ASCII (no allocation).
    public static func escaped(_ text: String, maxBytes: Int, keepingLines: Bool = false) -> String {
        let (shown, isCut) = escapedPrefix(text, maxBytes: maxBytes, keepingLines: keepingLines)
        return isCut ? shown + "…" : shown
    }

    /// `text` escaped, at most `maxBytes` UTF-8 bytes of it, and whether the rest was left out.
    /// - Parameters:
    ///   - text: Any text.
    ///   - maxBytes: The longest output.
    ///   - keepingLines: Keep line feeds and tabs as they are.
    /// - Returns: The escaped prefix (never an escape cut in half) and whether anything was cut.
    public static func escapedPrefix(
        _ text: String,
        maxBytes: Int,
        keepingLines: Bool = false
    ) -> (text: String, isCut: Bool) {
        if text.utf8.count <= maxBytes, text.utf8.allSatisfy({ isPlain($0, keepingLines: keepingLines) }) {
            return (text, false)
        }
        var shown = ""
        shown.reserveCapacity(min(text.utf8.count, maxBytes) + 8)
        for scalar in text.unicodeScalars {
            let piece =
                isShown(scalar, keepingLines: keepingLines)
                ? nil : "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            guard shown.utf8.count + (piece?.utf8.count ?? scalar.utf8.count) <= maxBytes else { return (shown, true) }
            if let piece { shown += piece } else { shown.unicodeScalars.append(scalar) }
        }
        return (shown, false)
    }

    /// Whether a byte is printable ASCII (or, when lines are kept, a line feed or tab).
    static func isPlain(_ byte: UInt8, keepingLines: Bool) -> Bool {
        (byte >= 0x20 && byte < 0x7F) || (keepingLines && (byte == 0x0A || byte == 0x09))
    }

    /// Whether a scalar is shown as itself.
    public static func isShown(_ scalar: Unicode.Scalar, keepingLines: Bool = false) -> Bool {
        if keepingLines, scalar == "\n" || scalar == "\t" { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return false
        default:
            return true
        }
    }
}

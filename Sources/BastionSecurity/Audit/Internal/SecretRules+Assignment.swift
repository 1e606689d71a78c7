/// The assignment rule of ``SecretRules``: `password=…`, `API_KEY: …`, `"token": "…"`,
/// `Authorization: Bearer …`, `Cookie: …`.
extension SecretRules {
    /// The value assigned to a secret's name at `delimiter` (`=` or `:`).
    ///
    /// Blanks may stand on either side of the delimiter (`name : value`, `name\t=value`, also with
    /// the tab escaped as `\t` in a message), the name
    /// may be quoted (`"token": …`, `\"token\": \"…\"` inside an escaped string), and nothing before
    /// the name matters: `weird/db_password : x` and `…/X-Api-Key: x` are assignments like any other.
    /// A value is left visible only when it is no literal secret: shell code (``isShellCode(_:_:)``,
    /// so an approval shows what `API_TOKEN="$(curl … | sh)"` runs) or, after a `:`, a word of an
    /// error message (`/run/secrets/token: permission denied`).
    static func assignedValue(_ bytes: Bytes, delimiter: Int) -> Range<Int>? {
        var nameEnd = delimiter
        while nameEnd > 0, delimiter - nameEnd < 8 {
            if isBlank(bytes[nameEnd - 1]) {
                nameEnd -= 1
            } else if nameEnd > 1, bytes[nameEnd - 2] == 0x5C, bytes[nameEnd - 1] == 0x74 {
                nameEnd -= 2  // a tab escaped in a message: `password\t=…`
            } else {
                break
            }
        }
        if nameEnd > 0, isQuote(bytes[nameEnd - 1]) {
            nameEnd -= 1
            // `\"`, `\\\"`: a quote escaped once or more (a JSON text in a string, in a message).
            while nameEnd > 0, delimiter - nameEnd < 16, bytes[nameEnd - 1] == 0x5C { nameEnd -= 1 }
        }
        guard endsWithSecretName(bytes, end: nameEnd) else { return nil }
        var start = skipBlanks(bytes, from: delimiter + 1)
        while start + 1 < bytes.count, start - delimiter < 16, bytes[start] == 0x5C, bytes[start + 1] == 0x74 {
            start = skipBlanks(bytes, from: start + 2)  // `=\t…`
        }
        var escapes = start
        while escapes < bytes.count, escapes - start < 8, bytes[escapes] == 0x5C { escapes += 1 }
        if escapes > start, escapes < bytes.count, isQuote(bytes[escapes]) { start = escapes }  // \"
        var quote: UInt8?
        if start < bytes.count, isQuote(bytes[start]) {
            quote = bytes[start]
            start += 1
        }
        // The scheme stays readable: `Authorization: Bearer <redacted>`.
        for scheme in schemes where hasPrefix(bytes, start, scheme, folded: true) {
            start = skipBlanks(bytes, from: start + scheme.count)
            break
        }
        // Already redacted (the scan is idempotent): a quoted value may hold `<`, so check.
        guard !hasPrefix(bytes, start, "<redacted>") else { return nil }
        var end = start
        if let quote {
            while end < bytes.count, bytes[end] != quote, bytes[end] != 0x0A { end += 1 }
            while end > start, bytes[end - 1] == 0x5C { end -= 1 }  // the escapes of \"
        } else {
            // An unquoted value also ends where a command substitution starts (`TOKEN=$(…)`).
            while end < bytes.count, !isValueEnd(bytes[end]), !isExpansion(bytes, at: end) { end += 1 }
        }
        guard end > start else { return nil }
        let value = start..<end
        if let quote, quote == 0x60 || isShellCode(bytes, value) { return nil }  // `…` runs its value
        if quote == nil, bytes[delimiter] == 0x3A, isMessageWord(bytes, value) { return nil }
        return value
    }

    /// `$(` or `${`: a shell expansion starts at `index`.
    static func isExpansion(_ bytes: Bytes, at index: Int) -> Bool {
        bytes[index] == 0x24 && index + 1 < bytes.count && (bytes[index + 1] == 0x28 || bytes[index + 1] == 0x7B)
    }

    /// Whether a quoted value is shell code rather than a literal secret: it holds an expansion
    /// (`$(`, `${`, a backtick) or a line break, or it has blanks and an operator (`|`, `;`, `&`, `<`,
    /// `>`) or a word that is an option or a path (`-rf`, `/tmp/x`, `~/x`). A passphrase of plain
    /// words (`correct horse battery`) and a password with symbols (`a;b|c`) stay secrets.
    static func isShellCode(_ bytes: Bytes, _ value: Range<Int>) -> Bool {
        var hasBlank = false
        var hasShellWord = false
        var isWordStart = true
        for index in value {
            let byte = bytes[index]
            switch byte {
            case 0x60, 0x0A: return true  // ` LF
            case 0x24 where isExpansion(bytes, at: index): return true  // $( ${
            case 0x7C, 0x3B, 0x26, 0x3C, 0x3E: hasShellWord = true  // | ; & < >
            case 0x2D, 0x2F, 0x7E: if isWordStart { hasShellWord = true }  // - / ~
            default: break
            }
            isWordStart = isBlank(byte)
            if isWordStart { hasBlank = true }
        }
        return hasBlank && hasShellWord
    }

    /// Error-message words that follow `<path>: ` (strerror and Bastion's own messages): never a
    /// secret, so `/run/secrets/db_password: No such file or directory` keeps its reason.
    static let messageWords: [[UInt8]] = [
        "no", "not", "is", "it", "the", "a", "an", "file", "permission", "operation", "read-only", "too",
        "directory", "invalid", "error", "cannot", "refused", "denied", "unknown", "missing", "none",
    ].map { Array($0.utf8) }

    /// Whether `value` is one of ``messageWords``, ASCII case-insensitively.
    static func isMessageWord(_ bytes: Bytes, _ value: Range<Int>) -> Bool {
        messageWords.contains { word in
            word.count == value.count && hasPrefix(bytes, value.lowerBound, word, folded: true)
        }
    }
}

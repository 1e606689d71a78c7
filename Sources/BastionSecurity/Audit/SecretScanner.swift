public import BastionProtocol

/// Finds secrets by their *value*, wherever they sit in a string: bearer tokens, JWTs, PEM private
/// keys, well-known token prefixes (GitHub, GitLab, Slack, AWS, OpenAI-style `sk-`, Stripe, Google,
/// npm, PyPI, Hugging Face, …), `password=` / `token:` / `"secret": "…"` assignments and the
/// password of a URL's user information.
///
/// Key-name redaction (``AuditRedactor``) cannot see a token inside `command[]`, an `env` value, a
/// path or an error message; this can. It runs on every audit record, so it is built for the hot
/// path: one pass over the UTF-8 bytes, linear in their length (each rule reads a bounded window or
/// a run it then skips), and a string with nothing to redact costs no allocation.
///
/// It errs towards redacting: `token: 5` loses its `5`. The audit log must never hold a secret; a
/// masked harmless word is the lesser loss.
public enum SecretScanner {
    /// What a secret is replaced with.
    public static let marker = "<redacted>"

    /// `text` with every secret replaced by ``marker``.
    /// - Parameter text: Any text.
    /// - Returns: The redacted text, or `nil` when there is nothing to redact (nothing is allocated then).
    public static func redacted(_ text: String) -> String? {
        if let result = text.utf8.withContiguousStorageIfAvailable({ redacted(bytes: $0) }) {
            return result.map { String(decoding: $0, as: UTF8.self) }
        }
        let copy = Array(text.utf8)  // a non-native string: not on the hot path
        return copy.withUnsafeBufferPointer { redacted(bytes: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// `text` redacted, or unchanged when there is nothing to redact.
    public static func scrubbed(_ text: String) -> String { redacted(text) ?? text }

    /// Whether `text` holds something that looks like a secret.
    public static func containsSecret(_ text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ SecretRules.next(in: $0, from: 0) != nil }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { SecretRules.next(in: $0, from: 0) != nil }
    }

    /// A copy of `value` with every string (and object key) redacted.
    /// - Parameter value: Any JSON value.
    /// - Returns: The redacted copy, or `nil` when nothing in it needed redacting.
    public static func redacted(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .string(let text):
            return redacted(text).map(JSONValue.string)
        case .array(let elements):
            var copy: [JSONValue]?
            for (index, element) in elements.enumerated() {
                guard let clean = redacted(element) else { continue }
                if copy == nil { copy = elements }
                copy?[index] = clean
            }
            return copy.map(JSONValue.array)
        case .object(let members):
            var copy: [String: JSONValue]?
            for (key, member) in members {
                let cleanKey = redacted(key)
                let cleanMember = redacted(member)
                guard cleanKey != nil || cleanMember != nil else { continue }
                if copy == nil { copy = members }
                if let cleanKey {
                    copy?[key] = nil
                    copy?[cleanKey] = cleanMember ?? member
                } else {
                    copy?[key] = cleanMember
                }
            }
            return copy.map(JSONValue.object)
        default:
            return nil
        }
    }

    /// Whether a command-line flag announces a secret as the next argument (`--password`,
    /// `--api-key`, `-token`): ``AuditRedactor`` then masks that next argument whole.
    /// - Parameter argument: One element of an argument vector.
    public static func isSecretFlag(_ argument: String) -> Bool {
        var argument = argument
        return argument.withUTF8 { bytes in
            guard bytes.count >= 2, bytes.count <= 64, bytes[0] == UInt8(ascii: "-"), !bytes.contains(0x3D) else {
                return false
            }
            return SecretRules.endsWithSecretName(bytes, end: bytes.count)
        }
    }

    /// A path with secrets masked one segment at a time, or `nil` when nothing matched: what an audit
    /// record says about a file stays readable (`/w/<redacted>/notes.txt`). A secret may hold a `/`
    /// itself (AWS secret keys, passwords), so the whole path is scanned too, and every segment a
    /// match of the whole path reaches into is masked as well: `aws_secret_access_key=K7MD/bPxR`
    /// leaves neither half in the log.
    package static func redactedPath(_ path: String) -> String? {
        let bytes = Array(path.utf8)
        var crossing: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            _ = replacingMatches(in: buffer) { range, _ in
                if buffer[range].contains(0x2F) { crossing.append(range) }
            }
        }
        var matched = false
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var start = 0
        for segment in bytes.split(separator: 0x2F, omittingEmptySubsequences: false) {
            if start > 0 { output.append(0x2F) }
            let range = start..<(start + segment.count)
            start = range.upperBound + 1
            let masked = segment.withUnsafeBufferPointer { buffer -> [UInt8]? in Self.redacted(bytes: buffer) }
            if let masked {
                output.append(contentsOf: masked)
            } else if !segment.isEmpty, crossing.contains(where: { $0.overlaps(range) }) {
                output.append(contentsOf: marker.utf8)
            } else {
                output.append(contentsOf: segment)
                continue
            }
            matched = true
        }
        return matched ? String(decoding: output, as: UTF8.self) : nil
    }

    /// The redacted bytes, or `nil` when nothing matched.
    static func redacted(bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        replacingMatches(in: bytes) { _, output in output.append(contentsOf: marker.utf8) }
    }

    /// `bytes` with every match of the rules replaced by what `replace` appends for its range (the
    /// one scanning loop of plain and visible masking), or `nil` when nothing matched.
    static func replacingMatches(
        in bytes: UnsafeBufferPointer<UInt8>,
        _ replace: (Range<Int>, inout [UInt8]) -> Void
    ) -> [UInt8]? {
        var memo = SecretRules.Memo()
        guard var match = SecretRules.next(in: bytes, from: 0, memo: &memo) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        var cursor = 0
        while true {
            // Rules match only at or after where they are asked to look, and never empty; clamped and
            // checked all the same, so a mistake there redacts a little more instead of trapping or
            // looping.
            if match.upperBound > copied {
                let start = max(copied, match.lowerBound)
                let end = min(match.upperBound, bytes.count)
                output.append(contentsOf: bytes[copied..<start])
                replace(start..<end, &output)
                copied = end
                cursor = copied
            } else {
                cursor += 1
            }
            guard cursor < bytes.count, let next = SecretRules.next(in: bytes, from: cursor, memo: &memo) else { break }
            match = next
        }
        output.append(contentsOf: bytes[copied...])
        return output
    }
}

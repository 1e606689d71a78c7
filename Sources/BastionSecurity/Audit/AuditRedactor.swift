public import BastionProtocol

/// Shrinks arguments for the audit log: secrets are masked (by name and by value), large payloads
/// replaced by their size.
///
/// The audit log must say what was done without becoming a copy of the data (or of a secret).
public enum AuditRedactor {
    /// Strings longer than this are recorded as `<N bytes>`.
    public static let maxStringBytes = 256
    /// Containers deeper than this are recorded as `<nested>`.
    public static let maxDepth = 4
    /// Objects with more members than this are recorded as `<N members>`.
    public static let maxMembers = 64
    /// Arguments naming paths are kept whole up to this size (a path's limit), so neither the audit
    /// log nor the person approving a call can be shown `<291 bytes>` instead of a target.
    public static let maxPathBytes = 4_096
    /// Lists of paths are kept whole up to this many entries.
    public static let maxPathItems = 1_000

    /// Argument names that hold paths (kept whole) and payloads (always reduced to their size, even
    /// short ones: a file's content, or a secret in it, does not belong in the audit log).
    private static let pathKeys: Set<String> = ["path", "paths", "source", "destination", "uri", "cwd"]
    private static let payloadKeys: Set<String> = ["content", "oldText", "newText", "stdin"]

    private static let secretMarkers = [
        "password", "passwd", "secret", "token", "apikey", "api_key",
        "authorization", "credential", "private_key", "privatekey",
    ]

    /// A redacted copy of `value`: secret-named members masked, payloads reduced to their size, and
    /// secrets found by value (``SecretScanner``) masked in every string kept, keys included.
    public static func summarize(_ value: JSONValue, depth: Int = 0) -> JSONValue {
        switch value {
        case .string(let text) where text.utf8.count > maxStringBytes:
            return .string("<\(text.utf8.count) bytes>")
        case .string(let text):
            return SecretScanner.redacted(text).map(JSONValue.string) ?? value
        case .object(let members):
            guard depth < maxDepth else { return "<nested>" }
            // Unvalidated arguments (a call denied before validation) may have any number of members
            // and names of any size: both are bounded, so no call makes a record too large to verify.
            if members.count > maxMembers { return .string("<\(members.count) members>") }
            var redacted: [String: JSONValue] = [:]
            for (key, member) in members {
                let name =
                    key.utf8.count > maxStringBytes ? "<\(key.utf8.count)-byte name>" : SecretScanner.scrubbed(key)
                if isSecret(key) {
                    redacted[name] = "<redacted>"
                } else if payloadKeys.contains(key), let size = payloadSize(member) {
                    redacted[name] = .string("<\(size) bytes>")
                } else if pathKeys.contains(key) {
                    redacted[name] = summarizePaths(member)
                } else {
                    redacted[name] = summarize(member, depth: depth + 1)
                }
            }
            return .object(redacted)
        case .array(let elements):
            guard depth < maxDepth else { return "<nested>" }
            if elements.count > 32 { return .string("<\(elements.count) items>") }
            return .array(summarizeVector(elements, depth: depth + 1))
        default:
            return value
        }
    }

    /// The elements of a list; in an argument vector, the value after a flag such as `--password`
    /// or `--api-key` is masked whole.
    static func summarizeVector(_ elements: [JSONValue], depth: Int) -> [JSONValue] {
        var summarized: [JSONValue] = []
        summarized.reserveCapacity(elements.count)
        var isSecretNext = false
        for element in elements {
            if isSecretNext, case .string = element {
                summarized.append("<redacted>")
                isSecretNext = false
                continue
            }
            isSecretNext = element.stringValue.map(SecretScanner.isSecretFlag) ?? false
            summarized.append(summarize(element, depth: depth))
        }
        return summarized
    }

    /// A path argument: a string kept up to ``maxPathBytes``, a list up to ``maxPathItems``.
    static func summarizePaths(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where text.utf8.count > maxPathBytes:
            return .string("<\(text.utf8.count) bytes>")
        case .string(let text):
            return SecretScanner.redacted(text).map(JSONValue.string) ?? value
        case .array(let elements) where elements.count <= maxPathItems:
            return .array(elements.map(summarizePaths))
        case .array(let elements):
            return .string("<\(elements.count) items>")
        default:
            return summarize(value, depth: maxDepth - 1)
        }
    }

    /// The UTF-8 size of a string payload, or `nil` for anything else.
    static func payloadSize(_ value: JSONValue) -> Int? {
        guard case .string(let text) = value else { return nil }
        return text.utf8.count
    }

    /// Whether an argument name suggests a secret (ASCII case-insensitive substring match).
    ///
    /// A byte loop rather than `String.contains`: this runs for every argument of every call, and the
    /// standard library's substring search builds a lookup table per call.
    public static func isSecret(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return secretMarkerBytes.contains { marker in containsFolded(bytes, marker) }
    }

    private static let secretMarkerBytes: [[UInt8]] = secretMarkers.map { Array($0.utf8) }

    private static func containsFolded(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var index = 0
            while index < needle.count, fold(haystack[start + index]) == needle[index] { index += 1 }
            if index == needle.count { return true }
        }
        return false
    }

    private static func fold(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
    }
}

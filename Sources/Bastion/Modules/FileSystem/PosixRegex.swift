#if canImport(Glibc)
import Glibc
#endif

/// A POSIX extended regular expression (as `grep -E`), compiled by the C library.
///
/// Not Swift `Regex`: that engine backtracks, so a pattern like `(a+)+$` from a client takes
/// exponential time on a short line and cannot be interrupted; glibc's matcher has no catastrophic
/// backtracking (without back-references, which are refused). GNU extensions work (`\w`, `\s`,
/// `\b`, `\<`, `\>`), and `\d` / `\D` are accepted as `[0-9]` / `[^0-9]`. Matching is byte-wise.
final class PosixRegex: @unchecked Sendable {
    // `regexec` on a compiled expression is thread-safe (POSIX); the storage is never mutated after init.
    private var compiled = regex_t()

    /// The longest pattern accepted, in bytes.
    static let maximumLength = 1_024

    /// Compiles a pattern.
    /// - Parameters:
    ///   - pattern: The expression.
    ///   - caseSensitive: `false` to ignore ASCII case.
    /// - Throws: ``ToolError`` naming the pattern and the problem.
    init(_ pattern: String, caseSensitive: Bool) throws(ToolError) {
        guard !pattern.isEmpty, pattern.utf8.count <= Self.maximumLength, !pattern.utf8.contains(0) else {
            throw ToolError("Invalid regular expression: it must be 1 to \(Self.maximumLength) bytes without NUL")
        }
        let translated = try Self.translate(pattern)
        var flags = REG_EXTENDED | REG_NOSUB
        if !caseSensitive { flags |= REG_ICASE }
        let status = regcomp(&compiled, translated, flags)
        guard status == 0 else {
            var message = [CChar](repeating: 0, count: 256)
            regerror(status, &compiled, &message, message.count)
            regfree(&compiled)
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ToolError("Invalid regular expression \"\(pattern)\": \(reason)")
        }
    }

    deinit {
        regfree(&compiled)
    }

    /// Whether the NUL-terminated line matches.
    func matches(_ line: UnsafePointer<CChar>) -> Bool {
        regexec(&compiled, line, 0, nil, 0) == 0
    }

    /// Rewrites `\d` and `\D` outside bracket expressions and refuses back-references. Scans bytes,
    /// as the C library will: a Character-level scan would let a combining mark hide a `\`.
    static func translate(_ pattern: String) throws(ToolError) -> String {
        let backslash = UInt8(ascii: "\\")
        var result: [UInt8] = []
        var isInBracket = false
        var bracketLength = 0
        var bytes = Array(pattern.utf8).makeIterator()
        while let byte = bytes.next() {
            if isInBracket {
                result.append(byte)
                bracketLength += 1
                if byte == UInt8(ascii: "]"), bracketLength > 1 { isInBracket = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "["):
                isInBracket = true
                bracketLength = 0
                result.append(byte)
            case backslash:
                guard let next = bytes.next() else { throw ToolError("Invalid regular expression: it ends with \\") }
                switch next {
                case UInt8(ascii: "d"): result += Array("[0-9]".utf8)
                case UInt8(ascii: "D"): result += Array("[^0-9]".utf8)
                case UInt8(ascii: "1")...UInt8(ascii: "9"):
                    throw ToolError("Invalid regular expression: back-references are not supported")
                default: result += [backslash, next]
                }
            default:
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

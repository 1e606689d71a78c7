import CBastionRegex

/// A client's regular expression, `grep -E` syntax, compiled by RE2 for matching lines of text.
///
/// Why RE2 (Debian's libre2, through the C shim CBastionRegex): it compiles to an automaton and
/// never backtracks, so matching takes time linear in the text whatever the pattern, and it bounds
/// the memory of its program and DFA caches (`max_mem`). Swift `Regex` and PCRE backtrack (`(a+)+$`
/// never ends), and glibc's `regcomp` expands counted repetitions without a bound
/// (`((.{1,255}){1,255}){1,255}` took 10.5 GB and 43 s to compile). Writing our own Thompson NFA
/// or lazy DFA would give the same guarantees with far less testing behind them.
///
/// Compiling is bounded, each refusal naming its limit: the pattern's length, each repetition
/// count, nested repetitions (RE2: at most 1000 copies), and the program's size — measured with a
/// small memory budget first, because RE2's compile time grows faster than the program does.
///
/// Text is matched as UTF-8 when it is valid UTF-8 (`.` is one character, `[é]` works) and as
/// Latin-1 bytes otherwise, so a line in a legacy encoding still matches its ASCII parts and `.`.
/// Character classes (`[[:alpha:]]`, `\w`) and `\b` are ASCII, as in the C locale; letter case is
/// folded with Unicode's simple case folding.
public final class LineRegex: @unchecked Sendable {
    // @unchecked: the two RE2 objects are written once, in init, and only read afterwards; RE2's
    // matching methods are const and thread-safe (its DFA caches lock internally).
    private let utf8: OpaquePointer
    private let latin1: OpaquePointer

    /// The longest pattern accepted, in bytes.
    public static let maximumPatternBytes = 1_024
    /// The largest count of a repetition (`{n}`, `{m,n}`).
    public static var maximumRepetition: Int { EgrepSyntax.maximumRepetition }
    /// The most instructions the compiled program may have.
    public static let maximumProgramSize = 10_000
    /// RE2's budget while checking the program's size: small, so a huge program fails fast.
    static let probeMemory: Int64 = 512 << 10
    /// RE2's budget for each program used to search (program plus DFA states).
    static let searchMemory: Int64 = 4 << 20

    /// Compiles a pattern.
    /// - Parameters:
    ///   - pattern: A POSIX extended regular expression, as `grep -E` takes it.
    ///   - caseSensitive: `false` to ignore letter case.
    /// - Throws: ``FileSystemError``: `invalid` for a malformed pattern, `limit` for one over a limit.
    public init(_ pattern: String, caseSensitive: Bool) throws(FileSystemError) {
        let bytes = Array(pattern.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else {
            throw FileSystemError(.invalid, "Invalid regular expression: it must not be empty or contain a NUL byte")
        }
        guard bytes.count <= Self.maximumPatternBytes else {
            throw FileSystemError(
                .limit,
                "Invalid regular expression: it is \(bytes.count) bytes long, above the limit of "
                    + "\(Self.maximumPatternBytes) bytes"
            )
        }
        let translated = try EgrepSyntax.translate(bytes)
        let probe = try Self.compile(translated, caseSensitive: caseSensitive, latin1: false, memory: Self.probeMemory)
        let size = cbastion_regex_program_size(probe)
        cbastion_regex_free(probe)
        guard size <= Self.maximumProgramSize else { throw Self.tooLarge("\(size) instructions") }
        utf8 = try Self.compile(translated, caseSensitive: caseSensitive, latin1: false, memory: Self.searchMemory)
        // The reverse program finds where a match starts; RE2 compiles it on first use, and a
        // failure then would silently read as "no match", so it is compiled (and checked) now.
        guard cbastion_regex_reverse_program_size(utf8) >= 0 else {
            cbastion_regex_free(utf8)
            throw Self.tooLarge("its reverse program")
        }
        do {
            latin1 = try Self.compile(translated, caseSensitive: caseSensitive, latin1: true, memory: Self.searchMemory)
        } catch {
            cbastion_regex_free(utf8)
            throw error
        }
    }

    deinit {
        cbastion_regex_free(utf8)
        cbastion_regex_free(latin1)
    }

    /// The leftmost match in a block of whole UTF-8 lines, each ended by `\n`; a match never
    /// crosses a line end.
    /// - Returns: The match's byte offsets in `block`, or nil.
    func firstMatch(in block: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let base = block.baseAddress else { return nil }
        var start = 0
        var end = 0
        guard cbastion_regex_find(utf8, base.assumingMemoryBound(to: UInt8.self), block.count, &start, &end) == 1
        else { return nil }
        return start..<end
    }

    /// Whether one line (without its line end) matches.
    /// - Parameters:
    ///   - line: The line's bytes.
    ///   - isUTF8: Whether they are valid UTF-8 (see ``isValidUTF8(_:)``); if not, they are matched as Latin-1.
    func matches(_ line: UnsafeRawBufferPointer, isUTF8: Bool) -> Bool {
        // An empty line still needs a valid pointer for RE2.
        let empty: UInt8 = 0
        return withUnsafePointer(to: empty) { fallback in
            let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? fallback
            return cbastion_regex_matches(isUTF8 ? utf8 : latin1, base, line.count) == 1
        }
    }

    /// Whether the bytes are well-formed UTF-8.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return cbastion_utf8_is_valid(base.assumingMemoryBound(to: UInt8.self), bytes.count) == 1
    }

    private static func compile(
        _ pattern: [UInt8],
        caseSensitive: Bool,
        latin1: Bool,
        memory: Int64
    ) throws(FileSystemError) -> OpaquePointer {
        let options = cbastion_regex_options(
            case_sensitive: caseSensitive ? 1 : 0,
            latin1: latin1 ? 1 : 0,
            max_memory: memory
        )
        var code: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let compiled = pattern.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                cbastion_regex_compile(chars.baseAddress, chars.count, options, &code, &message, message.count)
            }
        }
        if let compiled { return compiled }
        let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch Int(code) {
        case Int(CBASTION_REGEX_REPEAT_SIZE):
            throw FileSystemError(
                .limit,
                "Invalid regular expression: it repeats too much (\(reason)); counted repetitions, multiplied "
                    + "where they are nested, may make at most 1000 copies"
            )
        case Int(CBASTION_REGEX_TOO_LARGE): throw tooLarge("more than the memory budget")
        case Int(CBASTION_REGEX_NO_MEMORY):
            throw FileSystemError(.system, "Cannot compile the regular expression: out of memory")
        default: throw FileSystemError(.invalid, "Invalid regular expression: \(reason)")
        }
    }

    private static func tooLarge(_ what: String) -> FileSystemError {
        FileSystemError(
            .limit,
            "Invalid regular expression: its compiled program (\(what)) is above the limit of "
                + "\(maximumProgramSize) instructions; use a shorter pattern or smaller repetition counts"
        )
    }
}

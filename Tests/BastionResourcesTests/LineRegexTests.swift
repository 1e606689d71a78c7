import Testing

@testable import BastionResources

struct LineRegexTests {
    private func matches(_ pattern: String, _ line: String, caseSensitive: Bool = true) throws -> Bool {
        let regex = try LineRegex(pattern, caseSensitive: caseSensitive)
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBytes { regex.matches($0, isUTF8: LineRegex.isValidUTF8($0)) }
    }

    @Test(arguments: [
        ("fo+|bar$", "a bar", true),
        ("\\bword\\b", "a word here", true),
        ("\\bword\\b", "swordfish", false),
        ("\\<the\\>", "the cat", true),
        ("\\<the\\>", "other", false),
        ("id=\\d+", "id=42", true),
        ("[\\d]", "\\", true),  // inside brackets a backslash is a backslash (POSIX)
        ("[\\d]", "5", false),
        ("^hello", "hello world", true),
        ("^hello", "say hello", false),
        ("world$", "hello world", true),
        ("^$", "", true),
        ("[[:alpha:]]+[0-9]", "abc1", true),
        ("[[:upper:]][[:lower:]]", "ABC", false),
        ("[^[:space:]]", "  \t ", false),
        ("a{,2}b", "b", true),
        ("(ab|cd){2}", "xabcdx", true),
        ("a.c", "a.c", true),
        ("[.]", "abc", false),
        ("\\s", "a\u{b}b", true),  // \s is [[:space:]], vertical tab included
        ("^.{3}$", "été", true),  // UTF-8: `.` is one character
        ("[é]", "ÿ", false),
        ("x\\B", "xy", true),
    ])
    func grepExtendedSyntaxMatchesAsGrepDoes(pattern: String, line: String, expected: Bool) throws {
        #expect(try matches(pattern, line) == expected)
    }

    @Test func caseCanBeIgnored() throws {
        #expect(try matches("HELLO", "hello", caseSensitive: false))
        #expect(!(try matches("HELLO", "hello")))
        #expect(try matches("ÉTÉ", "été", caseSensitive: false))
    }

    @Test func invalidUTF8IsMatchedAsLatin1Bytes() throws {
        let regex = try LineRegex("caf. noir|^x+$", caseSensitive: true)
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(" noir".utf8)
        #expect(latin1.withUnsafeBytes { LineRegex.isValidUTF8($0) } == false)
        #expect(latin1.withUnsafeBytes { regex.matches($0, isUTF8: false) })
        #expect(Array("xxx".utf8).withUnsafeBytes { regex.matches($0, isUTF8: true) })
    }

    @Test func aMatchInABlockNeverCrossesALineEnd() throws {
        let regex = try LineRegex("a[^x]b|c.d|e\\sf|g[[:space:]]h|^j$", caseSensitive: true)
        let text = Array("a\nb\nc\nd\ne\nf\ng\nh\nzj\njz\n".utf8)
        #expect(text.withUnsafeBytes { regex.firstMatch(in: $0) } == nil)
        let hit = Array("one\ntwo j\nj\n".utf8)
        #expect(hit.withUnsafeBytes { regex.firstMatch(in: $0) } == 10..<11)
    }

    @Test func aCatastrophicPatternForBacktrackersStaysCheap() throws {
        // Exponential for a backtracking engine; one pass of an automaton here.
        #expect(!(try matches("(a+)+$", String(repeating: "a", count: 20_000) + "b!")))
    }

    @Test(arguments: [
        "(.{0,255}){0,255}$",
        "((.{1,255}){1,255}){1,255}",
        "((a{0,40}){0,40}){0,40}",
    ])
    func nestedRepetitionsAreRefusedAtTheRepetitionLimit(pattern: String) {
        let error = #expect(throws: FileSystemError.self) { try LineRegex(pattern, caseSensitive: true) }
        #expect(error?.kind == .limit)
        #expect(error?.message.contains("1000 copies") == true)
    }

    @Test func aProgramAboveTheSizeLimitIsRefusedNamingIt() {
        let pattern = String(repeating: "(.{0,255})", count: 100)
        let error = #expect(throws: FileSystemError.self) { try LineRegex(pattern, caseSensitive: true) }
        #expect(error?.kind == .limit)
        #expect(error?.message.contains("\(LineRegex.maximumProgramSize) instructions") == true)
    }

    @Test func aPatternLongerThanTheLimitIsRefusedNamingIt() {
        let error = #expect(throws: FileSystemError.self) {
            try LineRegex(String(repeating: "a", count: LineRegex.maximumPatternBytes + 1), caseSensitive: true)
        }
        #expect(error?.kind == .limit)
        #expect(error?.message.contains("limit of 1024 bytes") == true)
        #expect(
            (try? LineRegex(String(repeating: "a", count: LineRegex.maximumPatternBytes), caseSensitive: true)) != nil
        )
    }

    @Test(arguments: ["(a)\\1", "", "a\\", "(", "a\u{0}b", "*a", "\\e", "(?i)a"])
    func badPatternsAreInvalid(pattern: String) {
        let error = #expect(throws: FileSystemError.self) { try LineRegex(pattern, caseSensitive: true) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.hasPrefix("Invalid regular expression") == true)
    }
}

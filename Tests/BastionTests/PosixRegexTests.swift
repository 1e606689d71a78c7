import Testing

@testable import Bastion

struct PosixRegexTests {
    private func matches(_ pattern: String, _ line: String, caseSensitive: Bool = true) throws -> Bool {
        let regex = try PosixRegex(pattern, caseSensitive: caseSensitive)
        return line.withCString { regex.matches($0) }
    }

    @Test func extendedSyntaxAndGNUShorthandsWork() throws {
        #expect(try matches("fo+|bar$", "a bar"))
        #expect(try matches("\\bword\\b", "a word here"))
        #expect(!(try matches("\\bword\\b", "swordfish")))
        #expect(try matches("id=\\d+", "id=42"))
        #expect(try matches("[\\d]", "\\"))  // inside brackets \d is left alone
        #expect(try matches("HELLO", "hello", caseSensitive: false))
        #expect(!(try matches("HELLO", "hello")))
    }

    @Test func aCatastrophicPatternStaysCheap() throws {
        // Exponential for a backtracking engine; polynomial here (a few milliseconds at most).
        #expect(!(try matches("(a+)+$", String(repeating: "a", count: 2_000) + "b!")))
    }

    @Test(arguments: ["(a)\\1", "", "a\\", "(", String(repeating: "a", count: 2_000)])
    func badPatternsAreToolErrors(pattern: String) {
        #expect(throws: ToolError.self) { try PosixRegex(pattern, caseSensitive: true) }
    }
}

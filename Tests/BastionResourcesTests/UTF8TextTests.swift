import Testing

@testable import BastionResources

struct UTF8TextTests {
    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(
        arguments: [
            ("abc", "abc", 0..<3), ("xxabc", "abc", 2..<5), ("aaaab", "aab", 2..<5), ("abababc", "ababc", 2..<7),
            ("abab", "abb", nil), ("ab", "abc", nil), ("", "a", nil), ("abc", "", nil), ("aXbXc", "Xc", 3..<5),
        ] as [(String, String, Range<Int>?)]
    )
    func findsTheFirstOccurrence(haystack: String, needle: String, expected: Range<Int>?) {
        #expect(UTF8Text.firstRange(of: Self.bytes(needle), in: Self.bytes(haystack)) == expected)
    }

    @Test func normalizedBytesReplacesOnlyCRLF() {
        #expect(UTF8Text.normalizedBytes("a\r\nb\rc\r\r\n\r") == Self.bytes("a\nb\rc\r\n\r"))
    }

    @Test func lineRangesSplitLikeJavaScript() {
        #expect(UTF8Text.lineRanges(Self.bytes("")) == [0..<0])
        #expect(UTF8Text.lineRanges(Self.bytes("a\n\nbc\n")) == [0..<1, 2..<2, 3..<5, 6..<6])
    }

    @Test func trimsJavaScriptWhitespace() {
        let text = Self.bytes("\u{A0}\t a b\u{3000}\u{FEFF} ")
        let trimmed = UTF8Text.trimmed(text, in: text.indices)
        #expect(Array(text[trimmed]) == Self.bytes("a b"))
        let blank = Self.bytes(" \t ")
        #expect(UTF8Text.trimmed(blank, in: blank.indices).isEmpty)
    }

    @Test func leadingWhitespaceCountsUTF16Units() {
        let text = Self.bytes("\u{2003}\t x")
        let indent = UTF8Text.leadingWhitespace(text, in: text.indices)
        #expect(indent.end == 5)
        #expect(indent.utf16Count == 3)
    }

    @Test func whitespaceClassMatchesJavaScript() {
        for scalar: UInt32 in [
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029,
            0x202F, 0x205F, 0x3000, 0xFEFF,
        ] {
            #expect(UTF8Text.isJavaScriptWhitespace(scalar))
        }
        for scalar: UInt32 in [0x00, 0x41, 0x85, 0x180E, 0x200B] {
            #expect(!UTF8Text.isJavaScriptWhitespace(scalar))
        }
    }
}

import Testing

@testable import BastionProtocol

struct DisplayTextTests {
    @Test func shortPrintableASCIIIsReturnedAsIs() {
        #expect(DisplayText.escaped("claude-code 1.2", maxBytes: 64) == "claude-code 1.2")
    }

    @Test(arguments: [
        ("a\nb", "a\\u{A}b"), ("\u{1B}[31mred", "\\u{1B}[31mred"), ("abc\u{202E}cba", "abc\\u{202E}cba"),
        ("zero\u{200B}width", "zero\\u{200B}width"), ("del\u{7F}", "del\\u{7F}"), ("c1\u{85}", "c1\\u{85}"),
        ("line\u{2028}sep", "line\\u{2028}sep"), ("café 😀", "café 😀"),
    ])
    func controlFormatAndSeparatorCharactersAreEscaped(text: String, shown: String) {
        #expect(DisplayText.escaped(text, maxBytes: 100) == shown)
    }

    @Test func linesAndTabsCanBeKeptForMultiLineContent() {
        #expect(DisplayText.escaped("a\n\tb\r\n", maxBytes: 100, keepingLines: true) == "a\n\tb\\u{D}\n")
        #expect(DisplayText.escaped("x\u{202E}y\n", maxBytes: 100, keepingLines: true) == "x\\u{202E}y\n")
    }

    @Test func theOutputIsCutInBytesAndSaysSo() {
        let cut = DisplayText.escaped(String(repeating: "é", count: 100), maxBytes: 11)
        #expect(cut == String(repeating: "é", count: 5) + "…")
        // One grapheme of 400 scalars is still cut by bytes.
        let zalgo = DisplayText.escaped("a" + String(repeating: "\u{301}", count: 400), maxBytes: 21)
        #expect(zalgo.utf8.count <= 21 + "…".utf8.count)
    }

    @Test func anEscapeIsNeverCutInHalf() {
        #expect(DisplayText.escaped("ab\n", maxBytes: 4) == "ab…")
    }

    @Test func thePrefixSaysWhetherItWasCut() {
        #expect(DisplayText.escapedPrefix("abcdef", maxBytes: 3) == ("abc", true))
        #expect(DisplayText.escapedPrefix("abc", maxBytes: 3) == ("abc", false))
        #expect(DisplayText.escapedPrefix("a…", maxBytes: 10) == ("a…", false))
    }
}

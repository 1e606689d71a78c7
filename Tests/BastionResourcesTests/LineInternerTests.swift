import Testing

@testable import BastionResources

struct LineInternerTests {
    @Test func linesKeepTheirLineFeed() {
        var interner = LineInterner()
        let tokens = interner.tokenize(Array("a\nb\n\nc".utf8))
        #expect(tokens.map(\.range) == [0..<2, 2..<4, 4..<5, 5..<6])
    }

    @Test func equalLinesShareAnIdentityAcrossTexts() {
        var interner = LineInterner()
        let old = interner.tokenize(Array("a\nb\na".utf8)).map(\.id)
        let new = interner.tokenize(Array("b\na\n".utf8)).map(\.id)
        #expect(old[0] == new[1])
        #expect(old[1] == new[0])
        // "a" without its LF is a different line from "a\n", as in jsdiff.
        #expect(old[2] != old[0])
        #expect(interner.tokenize([]).isEmpty)
    }
}

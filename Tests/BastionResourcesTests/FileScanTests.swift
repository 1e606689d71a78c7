import Testing

@testable import BastionResources

struct FileScanTests {
    private static func line(_ number: Int, _ isMatch: Bool) -> FileScan.Line {
        FileScan.Line(number: number, text: "l\(number)", isMatch: isMatch)
    }

    @Test func truncationKeepsTheContextAfterTheLastKeptMatchAsContext() {
        // Matches at 2, 3 and 6 with one line of context.
        var scan = FileScan()
        scan.lines = [Self.line(1, false), Self.line(2, true), Self.line(3, true), Self.line(4, false)]
        scan.lines += [Self.line(5, false), Self.line(6, true), Self.line(7, false)]
        scan.matchCount = 3
        let cut = scan.truncated(toMatches: 1, contextLines: 1)
        #expect(cut.lines == [Self.line(1, false), Self.line(2, true), Self.line(3, false)])
        #expect(cut.matchCount == 1)
        #expect(scan.truncated(toMatches: 2, contextLines: 1).lines.map(\.number) == [1, 2, 3, 4])
        #expect(scan.truncated(toMatches: 3, contextLines: 1) == scan)
    }
}

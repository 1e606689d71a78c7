import Testing

@testable import BastionResources

struct HunkTests {
    @Test func writesHeaderLinesAndNoNewlineMarker() {
        var interner = LineInterner()
        let old = Array("a\nb".utf8)
        let new = Array("a\nc\n".utf8)
        let sides = HunkLine.Sides(
            old: old,
            oldLines: interner.tokenize(old),
            new: new,
            newLines: interner.tokenize(new)
        )
        var hunk = Hunk(oldStart: 1, newStart: 1)
        hunk.oldCount = 2
        hunk.newCount = 2
        hunk.lines = [
            .init(marker: .context, line: 0), .init(marker: .removed, line: 1), .init(marker: .added, line: 1),
        ]
        var output: [UInt8] = []
        hunk.write(to: &output, sides: sides)
        #expect(
            String(decoding: output, as: UTF8.self) == "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
        )
    }

    @Test func emptyRangesStartOneLower() {
        let sides = HunkLine.Sides(old: [], oldLines: [], new: [], newLines: [])
        var hunk = Hunk(oldStart: 3, newStart: 3)
        hunk.oldCount = 0
        hunk.newCount = 0
        var output: [UInt8] = []
        hunk.write(to: &output, sides: sides)
        #expect(String(decoding: output, as: UTF8.self) == "@@ -2,0 +2,0 @@\n")
    }
}

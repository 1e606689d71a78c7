import Testing

@testable import BastionResources

/// Expected outputs were produced with jsdiff 8.0.3's `createTwoFilesPatch(path, path, a, b, 'original', 'modified')`,
/// the call the reference server's `createUnifiedDiff` makes; the inputs of the first cases are those of the
/// reference's `__tests__/lib.test.ts`.
struct UnifiedDiffTests {
    private static func header(_ path: String) -> String {
        "Index: \(path)\n===================================================================\n"
            + "--- \(path)\toriginal\n+++ \(path)\tmodified\n"
    }

    private static func numbered(_ count: Int, replacing replacements: [Int: String] = [:]) -> String {
        (1...count).map { replacements[$0] ?? "l\($0)" }.joined(separator: "\n") + "\n"
    }

    @Test func simpleChangeWithoutFinalNewline() {
        let diff = UnifiedDiff.make(
            original: "line1\nline2\nline3",
            modified: "line1\nmodified line2\nline3",
            path: "test.txt"
        )
        #expect(
            diff == Self.header("test.txt")
                + "@@ -1,3 +1,3 @@\n line1\n-line2\n+modified line2\n line3\n\\ No newline at end of file\n"
        )
    }

    @Test func crlfIsNormalizedBeforeDiffing() {
        let diff = UnifiedDiff.make(original: "line1\r\nline2\r\n", modified: "line1\nmodified line2\n", path: "file")
        #expect(diff == Self.header("file") + "@@ -1,2 +1,2 @@\n line1\n-line2\n+modified line2\n")
    }

    @Test(arguments: ["", "line1\nline2\nline3"])
    func identicalContentHasNoHunk(content: String) {
        #expect(UnifiedDiff.make(original: content, modified: content, path: "file") == Self.header("file"))
    }

    @Test func singleLinesWithoutNewlineGetMarkersOnBothSides() {
        let diff = UnifiedDiff.make(original: "old", modified: "new", path: "custom.txt")
        #expect(
            diff == Self.header("custom.txt")
                + "@@ -1,1 +1,1 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file\n"
        )
    }

    @Test func emptySidesStartOneLineLower() {
        #expect(
            UnifiedDiff.make(original: "", modified: "a\nb\n", path: "f") == Self.header("f")
                + "@@ -0,0 +1,2 @@\n+a\n+b\n"
        )
        #expect(
            UnifiedDiff.make(original: "a\nb\n", modified: "", path: "f") == Self.header("f")
                + "@@ -1,2 +0,0 @@\n-a\n-b\n"
        )
    }

    @Test func addingTheFinalNewlineChangesTheLastLine() {
        let diff = UnifiedDiff.make(original: "a\nb", modified: "a\nb\n", path: "f")
        #expect(diff == Self.header("f") + "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
    }

    @Test func changesEightLinesApartShareAHunk() {
        let diff = UnifiedDiff.make(
            original: Self.numbered(12),
            modified: Self.numbered(12, replacing: [2: "X", 11: "Y"]),
            path: "f"
        )
        let body = "@@ -1,12 +1,12 @@\n l1\n-l2\n+X\n l3\n l4\n l5\n l6\n l7\n l8\n l9\n l10\n-l11\n+Y\n l12\n"
        #expect(diff == Self.header("f") + body)
    }

    @Test func distantChangesGetSeparateHunksWithFourLinesOfContext() {
        let diff = UnifiedDiff.make(
            original: Self.numbered(30),
            modified: Self.numbered(30, replacing: [3: "X", 20: "Y"]),
            path: "f"
        )
        let first = "@@ -1,7 +1,7 @@\n l1\n l2\n-l3\n+X\n l4\n l5\n l6\n l7\n"
        let second = "@@ -16,9 +16,9 @@\n l16\n l17\n l18\n l19\n-l20\n+Y\n l21\n l22\n l23\n l24\n"
        #expect(diff == Self.header("f") + first + second)
    }

    @Test func largeFileWithFewChangesGivesMinimalHunks() {
        // 100,000 lines with three changes: the O(ND) diff touches each line a few times only.
        var original: [String] = []
        original.reserveCapacity(100_000)
        for index in 0..<100_000 {
            original.append("line \(index)")
        }
        var modified = original
        modified[10] = "changed 10"
        modified.remove(at: 50_000)
        modified.insert("inserted", at: 99_990)
        let diff = UnifiedDiff.make(
            original: original.joined(separator: "\n") + "\n",
            modified: modified.joined(separator: "\n") + "\n",
            path: "big.txt"
        )
        let hunkHeaders = diff.split(separator: "\n").filter { $0.hasPrefix("@@") }
        #expect(hunkHeaders == ["@@ -7,9 +7,9 @@", "@@ -49997,9 +49997,8 @@", "@@ -99988,8 +99987,9 @@"])
        let changed = diff.split(separator: "\n").filter {
            ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---")
        }
        #expect(changed == ["-line 10", "+changed 10", "-line 50000", "+inserted"])
    }

    @Test func fallbackKeepsCommonPrefixAndSuffix() {
        let components = LineDiff.fallback(old: [1, 2, 3, 9], new: [1, 4, 9])
        #expect(
            components == [
                .init(kind: .common, count: 1), .init(kind: .removed, count: 2), .init(kind: .added, count: 1),
                .init(kind: .common, count: 1),
            ]
        )
    }

    @Test func fencedUsesThreeBackticksForAPlainDiff() {
        #expect(UnifiedDiff.fenced("-a\n+b\n") == "```diff\n-a\n+b\n```\n\n")
    }

    @Test func fencedOutgrowsTheLongestBacktickRun() {
        #expect(UnifiedDiff.fenced("+````x``\n") == "`````diff\n+````x``\n`````\n\n")
    }
}

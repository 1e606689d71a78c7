/// Unified diffs in the exact format the reference server prints: jsdiff's
/// `createTwoFilesPatch(path, path, original, modified, 'original', 'modified')`.
///
/// The output is an `Index:` line, a line of 67 `=`, the `---`/`+++` headers with a tab and `original`/`modified`,
/// then hunks with 4 lines of context (jsdiff's default, which the reference keeps; hunks whose gap is at most 8 lines
/// are merged). Counts are always written (`@@ -1,3 +1,3 @@`), and an empty side starts one line lower
/// (`@@ -0,0 +1,2 @@`). A line without a final newline is followed by `\ No newline at end of file`. Identical inputs
/// give the headers and no hunk. Line endings are normalized to LF first, as the reference's `createUnifiedDiff` does.
public enum UnifiedDiff {
    /// The number of unchanged lines shown around each change.
    public static let contextLines = 4

    /// Makes the unified diff between two versions of a file.
    /// - Parameters:
    ///   - original: The content before the edits.
    ///   - modified: The content after the edits.
    ///   - path: The path to name in the headers, as the client gave it.
    /// - Returns: The diff; it always ends with a newline.
    public static func make(original: String, modified: String, path: String) -> String {
        let oldBytes = UTF8Text.normalizedBytes(original)
        let newBytes = UTF8Text.normalizedBytes(modified)
        var interner = LineInterner()
        let oldLines = interner.tokenize(oldBytes)
        let newLines = interner.tokenize(newBytes)
        let components = LineDiff.components(old: oldLines.map(\.id), new: newLines.map(\.id))
        var output: [UInt8] = []
        output.append(contentsOf: "Index: \(path)\n".utf8)
        output.append(contentsOf: String(repeating: "=", count: 67).utf8)
        output.append(contentsOf: "\n--- \(path)\toriginal\n+++ \(path)\tmodified\n".utf8)
        let sides = HunkLine.Sides(old: oldBytes, oldLines: oldLines, new: newBytes, newLines: newLines)
        for hunk in hunks(from: components) {
            hunk.write(to: &output, sides: sides)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Wraps a diff in a Markdown `diff` code fence, as the reference's `applyFileEdits` returns it.
    ///
    /// The fence has one more backtick than the longest run of backticks in `diff` (at least three), so the diff cannot
    /// close it; it is followed by a blank line.
    /// - Parameter diff: A diff from ``make(original:modified:path:)``.
    /// - Returns: `` ```diff\n<diff>```\n\n `` with as many backticks as needed.
    public static func fenced(_ diff: String) -> String {
        var longest = 0
        var run = 0
        for byte in diff.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)diff\n\(diff)\(fence)\n\n"
    }

    /// jsdiff's `diffLinesResultToPatch`, step 1: group the components into hunks with context.
    private static func hunks(from components: [LineDiff.Component]) -> [Hunk] {
        let runs = components + [LineDiff.Component(kind: .common, count: 0)]
        var hunks: [Hunk] = []
        var current: Hunk?
        var oldLine = 1
        var newLine = 1
        for (index, run) in runs.enumerated() {
            if run.kind != .common {
                var hunk = current ?? Hunk(oldStart: oldLine, newStart: newLine)
                if current == nil, index > 0 {
                    let context = min(contextLines, runs[index - 1].count)
                    hunk.oldStart -= context
                    hunk.newStart -= context
                    hunk.lines += (newLine - context..<newLine).map { HunkLine(marker: .context, line: $0 - 1) }
                }
                if run.kind == .added {
                    hunk.lines += (newLine..<newLine + run.count).map { HunkLine(marker: .added, line: $0 - 1) }
                    newLine += run.count
                } else {
                    hunk.lines += (oldLine..<oldLine + run.count).map { HunkLine(marker: .removed, line: $0 - 1) }
                    oldLine += run.count
                }
                current = hunk
                continue
            }
            if var hunk = current {
                let isOverlapping = run.count <= contextLines * 2 && index < runs.count - 2
                let shown = isOverlapping ? run.count : min(run.count, contextLines)
                hunk.lines += (newLine..<newLine + shown).map { HunkLine(marker: .context, line: $0 - 1) }
                if isOverlapping {
                    current = hunk
                } else {
                    hunk.oldCount = oldLine - hunk.oldStart + shown
                    hunk.newCount = newLine - hunk.newStart + shown
                    hunks.append(hunk)
                    current = nil
                }
            }
            oldLine += run.count
            newLine += run.count
        }
        return hunks
    }
}

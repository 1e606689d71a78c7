/// The pure text engine of the `edit_file` tool, with the reference server's `applyFileEdits` semantics.
///
/// Line endings of the text and of every edit are normalized to LF first. Each edit is applied in order to the
/// result of the previous one:
/// 1. If `oldText` occurs exactly, its **first** occurrence is replaced; later occurrences are left alone, as the
///    reference does (it does not report ambiguity).
/// 2. Otherwise the lines of `oldText` are compared with each window of lines of the text, ignoring leading and
///    trailing whitespace (JavaScript `trim`). The first matching window is replaced by the lines of `newText`:
///    the first new line takes the indentation of the first matched line, and a later new line that is indented
///    where the `oldText` line at the same position is also indented is re-indented as the matched indentation plus
///    the difference of the two indents in spaces. Other lines are inserted as written.
/// 3. If neither matches, the edit fails with ``TextEditError/Code/noMatch``.
public enum TextEditor {
    /// Applies `edits` in order.
    /// - Parameters:
    ///   - edits: The edits, each applied to the result of the previous one.
    ///   - text: The current content of the file.
    /// - Returns: The edited text, with LF line endings.
    /// - Throws: ``TextEditError`` with code ``TextEditError/Code/emptyOldText`` or ``TextEditError/Code/noMatch``,
    ///   naming the first edit that failed; no partial result is returned.
    public static func apply(_ edits: [TextEdit], to text: String) throws(TextEditError) -> String {
        var content = UTF8Text.normalizedBytes(text)
        for (index, edit) in edits.enumerated() {
            let old = UTF8Text.normalizedBytes(edit.oldText)
            guard !old.isEmpty else { throw .emptyOldText(editIndex: index) }
            let new = UTF8Text.normalizedBytes(edit.newText)
            if let range = UTF8Text.firstRange(of: old, in: content) {
                content.replaceSubrange(range, with: new)
            } else if let replaced = replaceLinesIgnoringWhitespace(old, with: new, in: content) {
                content = replaced
            } else {
                throw .noMatch(oldText: edit.oldText, editIndex: index)
            }
        }
        return String(decoding: content, as: UTF8.self)
    }

    /// Replaces CRLF by LF, like the reference's `normalizeLineEndings`.
    /// - Parameter text: Any text.
    /// - Returns: `text` with every CRLF pair replaced by LF; lone CRs are kept.
    public static func normalizeLineEndings(_ text: String) -> String {
        String(decoding: UTF8Text.normalizedBytes(text), as: UTF8.self)
    }

    /// The whitespace-tolerant fallback: the first window of lines equal to `old`'s lines after trimming.
    private static func replaceLinesIgnoringWhitespace(
        _ old: [UInt8],
        with new: [UInt8],
        in content: [UInt8]
    )
        -> [UInt8]?
    {
        let oldLines = UTF8Text.lineRanges(old)
        let contentLines = UTF8Text.lineRanges(content)
        guard oldLines.count <= contentLines.count else { return nil }
        let oldTrimmed = oldLines.map { old[UTF8Text.trimmed(old, in: $0)] }
        let contentTrimmed = contentLines.map { content[UTF8Text.trimmed(content, in: $0)] }
        for start in 0...(contentLines.count - oldLines.count) {
            let matches = oldTrimmed.indices.allSatisfy { oldTrimmed[$0] == contentTrimmed[start + $0] }
            guard matches else { continue }
            let firstLine = contentLines[start]
            let indent = content[firstLine.lowerBound..<UTF8Text.leadingWhitespace(content, in: firstLine).end]
            var result = Array(content[0..<firstLine.lowerBound])
            appendReindented(new, oldLines: oldLines, old: old, indent: indent, to: &result)
            let lastLine = contentLines[start + oldLines.count - 1]
            result.append(contentsOf: content[lastLine.upperBound...])
            return result
        }
        return nil
    }

    /// Appends the lines of `new`, joined by LF, re-indented as described on ``TextEditor``.
    private static func appendReindented(
        _ new: [UInt8],
        oldLines: [Range<Int>],
        old: [UInt8],
        indent: ArraySlice<UInt8>,
        to result: inout [UInt8]
    ) {
        for (position, line) in UTF8Text.lineRanges(new).enumerated() {
            if position > 0 {
                result.append(UTF8Text.lineFeed)
            }
            let newIndent = UTF8Text.leadingWhitespace(new, in: line)
            if position == 0 {
                result.append(contentsOf: indent)
                result.append(contentsOf: new[newIndent.end..<line.upperBound])
                continue
            }
            let oldIndentCount =
                position < oldLines.count ? UTF8Text.leadingWhitespace(old, in: oldLines[position]).utf16Count : 0
            guard oldIndentCount > 0, newIndent.utf16Count > 0 else {
                result.append(contentsOf: new[line])
                continue
            }
            result.append(contentsOf: indent)
            let extra = max(0, newIndent.utf16Count - oldIndentCount)
            result.append(contentsOf: repeatElement(UInt8(ascii: " "), count: extra))
            result.append(contentsOf: new[newIndent.end..<line.upperBound])
        }
    }
}

/// What a scan of one file found: its matching lines and their context lines, in order.
struct FileScan: Sendable, Equatable {
    /// A line to show: a match, or context around one.
    struct Line: Sendable, Equatable {
        /// Its number, from 1.
        var number: Int
        /// Its text: at most ``ContentScanner/maximumDisplayBytes`` bytes, a final `\r` removed,
        /// invalid UTF-8 replaced by U+FFFD.
        var text: String
        /// Whether the line matched (else it is context).
        var isMatch: Bool
    }

    /// The lines to show, in file order, each at most once.
    var lines: [Line] = []
    /// How many of them are matches.
    var matchCount = 0
    /// Whether the file was skipped as binary (a NUL byte in its first chunk).
    var isBinary = false
    /// Whether the scan stopped because the search's ``ScanBudget`` was spent: the file must be
    /// scanned again (without a budget) when its turn comes.
    var isDeferred = false
    /// Bytes of the budget this scan holds (given back when it is merged).
    var heldBytes = 0

    /// The scan cut at the `limit`-th match: the lines up to it, and the context lines after it
    /// (lines that matched among those become context), as a scan limited to `limit` would give.
    func truncated(toMatches limit: Int, contextLines: Int) -> FileScan {
        guard matchCount > limit else { return self }
        var result = FileScan(isBinary: isBinary)
        var lastMatch: Int?
        for line in lines {
            if let last = lastMatch {
                guard line.number <= last + contextLines else { break }
                result.lines.append(Line(number: line.number, text: line.text, isMatch: false))
                continue
            }
            result.lines.append(line)
            if line.isMatch {
                result.matchCount += 1
                if result.matchCount == limit { lastMatch = line.number }
            }
        }
        return result
    }
}

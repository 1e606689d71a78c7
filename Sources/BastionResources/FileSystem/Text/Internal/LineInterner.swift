/// One line of a file, as a byte range that includes its LF when it has one.
struct LineToken {
    var range: Range<Int>
    var id: Int
}

/// Numbers lines so that equal lines (bytes and final LF included, as jsdiff's tokens) get equal identities.
struct LineInterner {
    private var ids: [ArraySlice<UInt8>: Int] = [:]

    /// Splits `bytes` into lines that keep their LF, like jsdiff's line `tokenize`.
    mutating func tokenize(_ bytes: [UInt8]) -> [LineToken] {
        var tokens: [LineToken] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UTF8Text.lineFeed {
                end += 1
            }
            end = min(end + 1, bytes.count)
            let slice = bytes[start..<end]
            let id = ids[slice] ?? ids.count
            if id == ids.count {
                ids[slice] = id
            }
            tokens.append(LineToken(range: start..<end, id: id))
            start = end
        }
        return tokens
    }
}

extension GlobPattern {
    /// The largest table ``covers(_:)`` fills, at either level; beyond it the answer is "no".
    static let maximumCoverageCells = 65_536

    /// Whether every path this pattern's `other` matches is also matched by this pattern.
    ///
    /// "Covers" is decided conservatively (fail closed): `true` is a proof, `false` may also mean
    /// "could not prove it". The proof maps `other`'s pieces onto this pattern's, left to right:
    /// - a `**` segment here absorbs any run of `other`'s segments, `**` included; any other
    ///   segment here covers one segment of `other`, never a `**` (which may stand for several);
    /// - a literal segment covers only the same literal; a wildcard segment covers a literal
    ///   segment it matches, or a wildcard segment whose pieces it absorbs: `*` absorbs any run of
    ///   `other`'s pieces (`*`, `?`, characters), `?` absorbs one `?` or one literal character, a
    ///   character covers only itself.
    ///
    /// So `/home/ana/**` covers `/home/ana/src/*.swift` and `/home/ana/**`; `/srv/*/logs/**` covers
    /// `/srv/web/logs/**`; nothing but a `**` covers `**`, and `/a/*` does not cover `/a/**`. Some
    /// true inclusions are not found (`/*/**` does not prove it covers `/**/x`), and patterns too
    /// long to compare cheaply (a table over ``maximumCoverageCells``) are never covered.
    /// - Parameter other: The pattern that must be covered.
    /// - Returns: `true` only when every path matching `other` matches `self`.
    public func covers(_ other: GlobPattern) -> Bool {
        Self.segmentsCover(segments, other.segments)
    }

    /// The segment-level table: `table[i][j]` says whether `mine[i...]` covers `theirs[j...]`.
    static func segmentsCover(_ mine: [Segment], _ theirs: [Segment]) -> Bool {
        let rows = mine.count + 1
        let columns = theirs.count + 1
        guard rows * columns <= maximumCoverageCells else { return false }
        var table = [Bool](repeating: false, count: rows * columns)
        table[mine.count * columns + theirs.count] = true
        for i in stride(from: mine.count - 1, through: 0, by: -1) {
            for j in stride(from: theirs.count, through: 0, by: -1) {
                let isCovered: Bool
                if case .globstar = mine[i] {
                    isCovered = table[(i + 1) * columns + j] || (j < theirs.count && table[i * columns + j + 1])
                } else {
                    isCovered =
                        j < theirs.count && table[(i + 1) * columns + j + 1] && segmentCovers(mine[i], theirs[j])
                }
                table[i * columns + j] = isCovered
            }
        }
        return table[0]
    }

    /// Whether one non-`**` segment covers one segment of the other pattern.
    static func segmentCovers(_ mine: Segment, _ theirs: Segment) -> Bool {
        switch (mine, theirs) {
        case (.globstar, _): return true
        case (_, .globstar): return false
        case (.literal(let a), .literal(let b)): return a == b
        case (.literal, .wildcard): return false
        case (.wildcard(let tokens), .literal(let bytes)):
            return bytes.withUnsafeBufferPointer { matchTokens(tokens, $0) }
        case (.wildcard(let tokens), .wildcard(let pieces)): return tokensCover(tokens, pieces)
        }
    }

    /// The token-level table, with the same absorption rules as ``covers(_:)``.
    ///
    /// A `?` here absorbs one literal *character* of the other pattern: a byte and the UTF-8
    /// continuation bytes after it, as ``matchTokens(_:_:)`` does on a path.
    static func tokensCover(_ mine: [Token], _ theirs: [Token]) -> Bool {
        let columns = theirs.count + 1
        guard (mine.count + 1) * columns <= maximumCoverageCells else { return false }
        var table = [Bool](repeating: false, count: (mine.count + 1) * columns)
        table[mine.count * columns + theirs.count] = true
        for i in stride(from: mine.count - 1, through: 0, by: -1) {
            for j in stride(from: theirs.count, through: 0, by: -1) {
                table[i * columns + j] = tokenCovers(mine[i], at: i, theirs, from: j, table, columns)
            }
        }
        return table[0]
    }

    private static func tokenCovers(
        _ token: Token,
        at i: Int,
        _ theirs: [Token],
        from j: Int,
        _ table: [Bool],
        _ columns: Int
    ) -> Bool {
        let next = (i + 1) * columns
        switch token {
        case .star:
            return table[next + j] || (j < theirs.count && table[i * columns + j + 1])
        case .anyCharacter:
            guard j < theirs.count else { return false }
            switch theirs[j] {
            case .star: return false
            case .anyCharacter: return table[next + j + 1]
            case .byte:
                var end = j + 1
                while end < theirs.count, case .byte(let byte) = theirs[end], byte & 0xC0 == 0x80 { end += 1 }
                return table[next + end]
            }
        case .byte(let byte):
            return j < theirs.count && theirs[j] == .byte(byte) && table[next + j + 1]
        }
    }
}

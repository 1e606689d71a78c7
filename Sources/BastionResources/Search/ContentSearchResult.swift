/// What a content search found.
public struct ContentSearchResult: Sendable {
    /// The matching lines, in walk order (files by name, depth first; lines in order).
    public var matches: [ContentMatch]
    /// The result as `grep -n -C N` prints it: `path:line:text` for a match, `path-line-text` for
    /// context, `--` between groups of lines that are not adjacent.
    public var text: String
    /// Files read (binary ones included) until the search ended.
    public var filesSearched: Int
    /// Whether the search ended at `maxResults` matches.
    public var isTruncated: Bool
    /// Whether the search ended early because it was asked to stop (cancelled, past its deadline).
    public var wasStopped: Bool
}

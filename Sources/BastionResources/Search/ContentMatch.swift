/// One matching line.
public struct ContentMatch: Sendable, Hashable {
    /// The file's path.
    public var path: String
    /// The line's number, from 1.
    public var line: Int
    /// The line's text (at most 8 KiB of it, invalid UTF-8 replaced).
    public var text: String
}

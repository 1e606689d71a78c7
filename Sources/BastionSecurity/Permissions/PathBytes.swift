/// Path operations on bytes, the way the kernel and ``GlobPattern`` see paths.
///
/// Never use `String`'s `split`, `hasPrefix`, `==` or `dropFirst` on paths: they work on grapheme
/// clusters under canonical equivalence, so a combining mark or a "prepend" character next to a `/`
/// hides that separator (`x\u{0600}/..` is one Character `x؀/` then `..`… or not, depending on the
/// neighbours), and `é` written two ways compares equal. Every security decision on a path goes
/// through these functions instead.
public enum PathBytes {
    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")

    /// Whether a path starts with a `/` byte.
    public static func isAbsolute(_ path: String) -> Bool {
        path.utf8.first == slash
    }

    /// Whether a path or pattern holds a `/` byte anywhere (`"tools/\u{301}git"` does; its
    /// Characters do not, since `/` and the combining mark form one).
    public static func containsSlash(_ text: String) -> Bool {
        text.utf8.contains(slash)
    }

    /// Whether `text` starts with the bytes of `prefix`.
    public static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    /// Whether two paths are the same bytes (`==` on `String` holds for canonically equivalent
    /// spellings, such as `é` precomposed and decomposed, which the kernel sees as two names).
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// The non-empty segments of a path, split at `/` bytes.
    public static func segments(_ path: String) -> [String] {
        Array(path.utf8).split(separator: slash).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The lexical normal form of a path, on bytes: empty and `.` segments removed, `..` applied
    /// (never above `/`); always absolute (a relative path is taken from `/`). No system call.
    public static func normalized(_ path: String) -> String {
        var segments: [ArraySlice<UInt8>] = []
        for part in Array(path.utf8).split(separator: slash) {
            guard isDotSegment(part) else {
                segments.append(part)
                continue
            }
            if part.count == 2, !segments.isEmpty { segments.removeLast() }
        }
        var result: [UInt8] = []
        for segment in segments {
            result.append(slash)
            result.append(contentsOf: segment)
        }
        return result.isEmpty ? "/" : String(decoding: result, as: UTF8.self)
    }

    /// Whether a segment is `.` or `..`.
    public static func isDotSegment(_ segment: some Collection<UInt8>) -> Bool {
        (segment.count == 1 || segment.count == 2) && segment.allSatisfy { $0 == dot }
    }

    /// Whether an absolute path is in normal form: starts with `/`, no empty, `.` or `..` segment.
    ///
    /// One pass over the bytes, no allocation: it runs for every entry of a directory walk.
    public static func isNormalAbsolute(_ path: String) -> Bool {
        isNormalAbsolute(bytes: path.utf8)
    }

    /// Whether an absolute path given as raw bytes is in normal form (see ``isNormalAbsolute(_:)``).
    public static func isNormalAbsolute(bytes path: some Sequence<UInt8>) -> Bool {
        var iterator = path.makeIterator()
        guard iterator.next() == slash else { return false }
        var length = 0  // bytes of the current segment
        var dots = 0  // how many of them are dots
        var isFirst = true
        while let byte = iterator.next() {
            if byte == slash {
                if length == 0 || dots == length && length <= 2 { return false }
                length = 0
                dots = 0
                isFirst = false
                continue
            }
            length += 1
            if byte == dot { dots += 1 }
        }
        if length == 0 { return isFirst }  // "/" alone, or a trailing "/"
        return !(dots == length && length <= 2)
    }

    /// Whether `path` is `directory` or lies beneath it (bytewise; `/` contains everything absolute).
    public static func isWithin(_ path: String, _ directory: String) -> Bool {
        let p = path.utf8
        let d = directory.utf8
        if d.count == 1, d.first == slash { return p.first == slash }
        guard p.starts(with: d) else { return false }
        return p.count == d.count || p.dropFirst(d.count).first == slash
    }

    /// `path` below `directory` (no leading `/`; empty for the directory itself), or `nil` when it
    /// is not within it.
    public static func relative(_ path: String, to directory: String) -> String? {
        guard isWithin(path, directory) else { return nil }
        let bytes = Array(path.utf8)
        let skip = directory.utf8.count == 1 ? 1 : directory.utf8.count + 1
        return skip >= bytes.count ? "" : String(decoding: bytes[skip...], as: UTF8.self)
    }

    /// The parent and the last segment of a path with trailing `/` removed, split at the last `/`
    /// byte: `("a/b", "c")` for `a/b/c`, `("/", "c")` for `/c`, `("", "c")` for `c`; `nil` for an
    /// empty path or `/`.
    public static func splitLast(_ path: String) -> (parent: String, name: String)? {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard !bytes.isEmpty, bytes != [slash] else { return nil }
        guard let index = bytes.lastIndex(of: slash) else { return ("", String(decoding: bytes, as: UTF8.self)) }
        let name = String(decoding: bytes[(index + 1)...], as: UTF8.self)
        let parent = index == 0 ? "/" : String(decoding: bytes[..<index], as: UTF8.self)
        return (parent, name)
    }

    /// `directory/name`, without doubling the `/` of the root.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.utf8.last == slash ? directory + name : directory + "/" + name
    }
}

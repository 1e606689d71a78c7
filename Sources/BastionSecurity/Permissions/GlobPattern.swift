/// A glob over canonical absolute paths, compiled once and matched without backtracking blow-ups.
///
/// Syntax (ARCHITECTURE §2): `*` matches any run of characters inside one path segment (never `/`),
/// `?` one character other than `/`, `**` as a whole segment zero or more segments, and `\` makes
/// the next character literal (the configuration loader escapes `* ? [ ] { } \` in directory names;
/// `[`, `]`, `{`, `}` have no special meaning here). `*` and `?` also match a leading `.`, so a deny
/// glob such as `**/*.key` covers hidden files too.
///
/// A pattern that does not start with `/` is relative: it is joined to a base directory
/// (``init(_:relativeTo:)``, `/` for ``init(_:)``), so `**/.ssh/**` alone matches any path with a
/// `.ssh` segment. Literal `.` and `..` segments are resolved lexically when compiling.
///
/// Matching is O(pattern × path) at worst: a two-pointer scan inside each segment and the same
/// scan over segments for `**`, with no recursion.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Hashable {
        case byte(UInt8)
        case anyCharacter
        case star
    }

    enum Segment: Sendable, Hashable {
        case globstar
        case literal([UInt8])
        case wildcard([Token])
    }

    /// The pattern as written (before joining to a base).
    public let pattern: String
    let segments: [Segment]

    /// The pattern as written.
    public var description: String { self.pattern }

    /// Compiles a pattern; a relative pattern is taken relative to `/`.
    /// - Parameter pattern: The glob, e.g. `/home/ana/projects/**` or `**/.ssh/**`.
    /// - Throws: ``PermissionParseError`` with code `invalidArgument` for an empty pattern, a NUL,
    ///   a `**` glued to other characters in one segment, or a trailing unpaired `\`.
    public init(_ pattern: String) throws(PermissionParseError) {
        try self.init(pattern, relativeTo: "/")
    }

    /// Compiles a pattern; a relative pattern is joined to `base`.
    /// - Parameters:
    ///   - pattern: The glob; an absolute one ignores `base`.
    ///   - base: An absolute, canonical directory (taken literally, never as a glob).
    /// - Throws: ``PermissionParseError`` as for ``init(_:)``, or when `base` is not absolute.
    public init(_ pattern: String, relativeTo base: String) throws(PermissionParseError) {
        self.pattern = pattern
        guard !pattern.isEmpty else { throw Self.error(pattern, "the glob is empty") }
        let bytes = Array(pattern.utf8)
        guard !bytes.contains(0) else { throw Self.error(pattern, "the glob contains a NUL character") }
        var segments: [Segment] = []
        if bytes.first != UInt8(ascii: "/") {
            guard base.utf8.first == UInt8(ascii: "/"), !base.utf8.contains(0) else {
                throw Self.error(pattern, "the base directory \"\(base)\" is not an absolute path")
            }
            for part in base.utf8.split(separator: UInt8(ascii: "/")) {
                try Self.append(.literal(Array(part)), raw: Array(part), to: &segments, pattern: pattern)
            }
        }
        for raw in try Self.splitSegments(bytes, pattern: pattern) {
            try Self.append(try Self.compileSegment(raw, pattern: pattern), raw: raw, to: &segments, pattern: pattern)
        }
        self.segments = segments
    }

    /// Whether a canonical absolute path matches; a relative path never matches.
    /// - Parameter canonicalPath: A path as returned by ``PathCanonicalizer/canonical(_:relativeTo:home:)``.
    /// - Returns: `true` when the whole path matches the whole pattern.
    public func matches(_ canonicalPath: String) -> Bool {
        var path = canonicalPath
        return path.withUTF8 { matches(bytes: $0) }
    }

    /// Whether a canonical absolute path given as its raw bytes matches: the form a directory
    /// entry's name has on disk, which need not be UTF-8 (a `?` takes an invalid byte as one
    /// character). The same answer as ``matches(_:)`` for the bytes of a `String`.
    /// - Parameter canonicalPath: The path's bytes, no NUL.
    /// - Returns: `true` when the whole path matches the whole pattern.
    public func matches(_ canonicalPath: [UInt8]) -> Bool {
        canonicalPath.withUnsafeBufferPointer { matches(bytes: $0) }
    }

    func matches(bytes buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard buffer.first == UInt8(ascii: "/") else { return false }
        // At most one segment per two bytes; on the stack for any path of usual length (a search
        // matches every walked entry's path, so no heap allocation per match).
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: buffer.count / 2 + 1) { storage in
            var count = 0
            var start = 0
            for index in 0...buffer.count where index == buffer.count || buffer[index] == UInt8(ascii: "/") {
                if index > start {
                    storage[count] = start..<index
                    count += 1
                }
                start = index + 1
            }
            let ranges = UnsafeBufferPointer(start: storage.baseAddress, count: count)
            return Self.matchSegments(self.segments, ranges, in: buffer)
        }
    }

    /// The same pattern with its leading literal segments replaced by what `resolve` makes of them.
    ///
    /// Used to canonicalize the fixed directory part of a configured glob (`/home/ana/link/**`
    /// where `link` is a symlink), since the paths it is matched against are canonical.
    /// - Parameter resolve: Maps an absolute literal path to its canonical form, or `nil`.
    /// - Returns: The resolved pattern, or `nil` when there is no literal prefix or it is unchanged.
    func resolvingLiteralPrefix(_ resolve: (String) -> String?) -> GlobPattern? {
        let count = segments.prefix { if case .literal = $0 { return true } else { return false } }.count
        guard count > 0 else { return nil }
        var prefix = ""
        for case .literal(let bytes) in segments[..<count] {
            prefix += "/" + String(decoding: bytes, as: UTF8.self)
        }
        guard let resolved = resolve(prefix), !PathBytes.equal(resolved, prefix),
            PathBytes.isAbsolute(resolved)
        else { return nil }
        let head = resolved.utf8.split(separator: UInt8(ascii: "/")).map { Segment.literal(Array($0)) }
        return GlobPattern(pattern: pattern, segments: head + segments[count...])
    }

    /// The deepest directory under which every match lies: the pattern's leading literal segments,
    /// or the parent of the last one when the whole pattern is literal (`/` at worst).
    var literalDirectory: String {
        var count = segments.prefix { if case .literal = $0 { return true } else { return false } }.count
        if count == segments.count, count > 0 { count -= 1 }
        var prefix = ""
        for case .literal(let bytes) in segments[..<count] {
            prefix += "/" + String(decoding: bytes, as: UTF8.self)
        }
        return prefix.isEmpty ? "/" : prefix
    }

    /// The directory this pattern matches together with everything beneath it — literal segments
    /// then one final `**` (`/srv/secret/**`) — or `nil` for any other shape.
    var subtreeRoot: String? {
        guard segments.count >= 2, segments.last == .globstar else { return nil }
        var root = ""
        for segment in segments.dropLast() {
            guard case .literal(let bytes) = segment else { return nil }
            root += "/" + String(decoding: bytes, as: UTF8.self)
        }
        return root
    }

    private init(pattern: String, segments: [Segment]) {
        self.pattern = pattern
        self.segments = segments
    }

    /// Escapes a literal path so that it compiles to a pattern matching exactly that path.
    ///
    /// Byte by byte: a `*` followed by a combining mark (U+0301) is one `Character` that is not
    /// `*`, yet the compiler sees the `*` byte, so escaping Characters would leave a wildcard in
    /// (a workdir `w*\u{301}` would then match its sibling `wz\u{301}`).
    /// - Parameter literal: Any text, typically a directory name.
    /// - Returns: The text with every `* ? [ ] { } \` byte preceded by `\`.
    public static func escaped(_ literal: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(literal.utf8.count)
        for byte in literal.utf8 {
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                UInt8(ascii: "}"), UInt8(ascii: "\\"):
                result.append(UInt8(ascii: "\\"))
            default:
                break
            }
            result.append(byte)
        }
        return String(decoding: result, as: UTF8.self)
    }

    // MARK: - Compiling

    private static func error(_ pattern: String, _ reason: String) -> PermissionParseError {
        PermissionParseError(
            code: .invalidArgument,
            spelling: pattern,
            message: "invalid glob \"\(PermissionParseError.escaped(pattern))\": \(reason)"
        )
    }

    /// Splits on unescaped `/`, keeping escapes in the parts; empty parts are dropped.
    private static func splitSegments(_ bytes: [UInt8], pattern: String) throws(PermissionParseError) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { throw error(pattern, "it ends with an unpaired \"\\\"") }
                current.append(byte)
                current.append(bytes[index + 1])
                index += 2
                continue
            }
            if byte == UInt8(ascii: "/") {
                if !current.isEmpty { parts.append(current) }
                current = []
            } else {
                current.append(byte)
            }
            index += 1
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    private static func compileSegment(_ raw: [UInt8], pattern: String) throws(PermissionParseError) -> Segment {
        if raw == Array("**".utf8) { return .globstar }
        var tokens: [Token] = []
        var hasWildcard = false
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            switch byte {
            case UInt8(ascii: "\\"):
                tokens.append(.byte(raw[index + 1]))  // splitSegments guarantees the pair.
                index += 2
                continue
            case UInt8(ascii: "*"):
                if index + 1 < raw.count, raw[index + 1] == UInt8(ascii: "*") {
                    throw error(pattern, "\"**\" must be a whole path segment (write \"*\" inside a segment)")
                }
                tokens.append(.star)
                hasWildcard = true
            case UInt8(ascii: "?"):
                tokens.append(.anyCharacter)
                hasWildcard = true
            default:
                tokens.append(.byte(byte))
            }
            index += 1
        }
        if hasWildcard { return .wildcard(tokens) }
        return .literal(tokens.map { if case .byte(let b) = $0 { return b } else { return 0 } })
    }

    /// Appends a segment, resolving literal `.` and `..` lexically.
    private static func append(
        _ segment: Segment,
        raw: [UInt8],
        to segments: inout [Segment],
        pattern: String
    ) throws(PermissionParseError) {
        guard case .literal(let bytes) = segment, raw == bytes else {
            segments.append(segment)
            return
        }
        if bytes == [UInt8(ascii: ".")] { return }
        if bytes == [UInt8(ascii: "."), UInt8(ascii: ".")] {
            guard let last = segments.last else { return }  // `/..` is `/`.
            guard case .literal = last else { throw error(pattern, "\"..\" cannot follow a wildcard segment") }
            segments.removeLast()
            return
        }
        segments.append(segment)
    }

    // MARK: - Matching

    /// The two-pointer wildcard scan over segments, with `**` as the star.
    static func matchSegments(
        _ segments: [Segment],
        _ ranges: UnsafeBufferPointer<Range<Int>>,
        in path: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < ranges.count {
            if p < segments.count {
                if case .globstar = segments[p] {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if matchSegment(segments[p], UnsafeBufferPointer(rebasing: path[ranges[t]])) {
                    p += 1
                    t += 1
                    continue
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < segments.count, case .globstar = segments[p] { p += 1 }
        return p == segments.count
    }

    static func matchSegment(_ segment: Segment, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch segment {
        case .globstar: return true
        case .literal(let bytes): return bytes.elementsEqual(text)
        case .wildcard(let tokens): return matchTokens(tokens, text)
        }
    }

    /// The classic two-pointer wildcard scan inside one segment (no `/` in `text`).
    static func matchTokens(_ tokens: [Token], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < tokens.count {
                switch tokens[p] {
                case .star:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .anyCharacter:
                    // One character is one Unicode scalar: skip its UTF-8 continuation bytes.
                    t += 1
                    while t < text.count, text[t] & 0xC0 == 0x80 { t += 1 }
                    p += 1
                    continue
                case .byte(let byte) where byte == text[t]:
                    p += 1
                    t += 1
                    continue
                case .byte:
                    break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < tokens.count, tokens[p] == .star { p += 1 }
        return p == tokens.count
    }
}

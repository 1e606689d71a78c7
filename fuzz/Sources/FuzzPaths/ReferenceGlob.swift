/// A second implementation of ``GlobPattern``'s documented syntax, written for clarity rather than
/// speed: compiled into a list of segments, matched by memoized recursion instead of two-pointer scans.
///
/// `*` any bytes inside a segment, `?` one byte and the UTF-8 continuation bytes after it, `**` as a
/// whole segment any number of segments, `\x` the byte `x`; an unescaped `.` segment is dropped and
/// an unescaped `..` removes the literal segment before it (an error after a wildcard or `**`).
struct ReferenceGlob {
    enum Token: Equatable {
        case byte(UInt8)
        case star
        case one
    }

    enum Segment: Equatable {
        case globstar
        case tokens([Token])

        var isLiteral: Bool {
            guard case .tokens(let tokens) = self else { return false }
            return tokens.allSatisfy { if case .byte = $0 { return true } else { return false } }
        }
    }

    let segments: [Segment]

    /// Compiles `pattern` relative to the absolute `base`, or returns `nil` where `GlobPattern` throws.
    init?(_ pattern: [UInt8], base: [UInt8]) {
        guard !pattern.isEmpty, !pattern.contains(0) else { return nil }
        var resolved: [Segment] = []
        var parts: [(tokens: [Token], isPlain: Bool)] = []
        if pattern.first != UInt8(ascii: "/") {
            for part in base.split(separator: UInt8(ascii: "/")) { parts.append((part.map(Token.byte), true)) }
        }
        guard let own = Self.split(pattern) else { return nil }
        parts += own
        for (tokens, isPlain) in parts {
            if tokens == [.star, .star], isPlain {
                resolved.append(.globstar)
                continue
            }
            if zip(tokens, tokens.dropFirst()).contains(where: { $0 == .star && $1 == .star }) { return nil }
            if isPlain, tokens == [.byte(UInt8(ascii: "."))] { continue }
            if isPlain, tokens == [.byte(UInt8(ascii: ".")), .byte(UInt8(ascii: "."))] {
                guard let last = resolved.last else { continue }
                guard last.isLiteral else { return nil }
                resolved.removeLast()
                continue
            }
            resolved.append(.tokens(tokens))
        }
        segments = resolved
    }

    /// The non-empty segments between unescaped `/`, as tokens, each marked plain when it had no `\`.
    private static func split(_ pattern: [UInt8]) -> [(tokens: [Token], isPlain: Bool)]? {
        var parts: [(tokens: [Token], isPlain: Bool)] = []
        var tokens: [Token] = []
        var isPlain = true
        var index = 0
        while index < pattern.count {
            let byte = pattern[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\\"):
                guard index < pattern.count else { return nil }
                tokens.append(.byte(pattern[index]))
                isPlain = false
                index += 1
            case UInt8(ascii: "/"):
                if !tokens.isEmpty { parts.append((tokens, isPlain)) }
                tokens = []
                isPlain = true
            case UInt8(ascii: "*"): tokens.append(.star)
            case UInt8(ascii: "?"): tokens.append(.one)
            default: tokens.append(.byte(byte))
            }
        }
        if !tokens.isEmpty { parts.append((tokens, isPlain)) }
        return parts
    }

    /// Whether the whole absolute `path` matches.
    func matches(_ path: [UInt8]) -> Bool {
        guard path.first == UInt8(ascii: "/") else { return false }
        let names = path.split(separator: UInt8(ascii: "/")).map(Array.init)
        var memo: [Int: Bool] = [:]
        func match(_ s: Int, _ n: Int) -> Bool {
            let key = s * (names.count + 1) + n
            if let known = memo[key] { return known }
            let result: Bool
            if s == segments.count {
                result = n == names.count
            } else if case .tokens(let tokens) = segments[s] {
                result = n < names.count && Self.matches(tokens, names[n]) && match(s + 1, n + 1)
            } else {
                result = match(s + 1, n) || (n < names.count && match(s, n + 1))
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    private static func matches(_ tokens: [Token], _ name: [UInt8]) -> Bool {
        var memo: [Int: Bool] = [:]
        func match(_ k: Int, _ i: Int) -> Bool {
            let key = k * (name.count + 1) + i
            if let known = memo[key] { return known }
            let result: Bool
            if k == tokens.count {
                result = i == name.count
            } else {
                switch tokens[k] {
                case .star: result = match(k + 1, i) || (i < name.count && match(k, i + 1))
                case .byte(let byte): result = i < name.count && name[i] == byte && match(k + 1, i + 1)
                case .one:
                    var next = i + 1
                    while next < name.count, name[next] & 0xC0 == 0x80 { next += 1 }
                    result = i < name.count && match(k + 1, next)
                }
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }
}

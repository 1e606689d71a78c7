/// A URI template with `{name}` and `{+name}` variables (RFC 6570 levels 1 and 2), matched against
/// concrete URIs.
///
/// A `{name}` variable matches one or more characters other than `/`, `?` and `#`, so a value cannot
/// smuggle extra path segments; a `{+name}` (reserved expansion) variable may span `/` (a file path).
/// Matched values are percent-decoded; the variable is named without the `+`.
public struct URITemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    /// The template text.
    public let pattern: String
    let parts: [Part]

    /// Parses a template.
    /// - Returns: `nil` when braces are unbalanced, a variable name is empty, or two variables touch.
    public init?(_ pattern: String) {
        var parts: [Part] = []
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            guard !rest[..<open].contains("}") else { return nil }
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            let name = rest[rest.index(after: open)..<close]
            guard !name.isEmpty, !name.contains("{") else { return nil }
            if case .variable? = parts.last { return nil }
            parts.append(.variable(String(name)))
            rest = rest[rest.index(after: close)...]
        }
        guard !rest.contains("}") else { return nil }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.pattern = pattern
        self.parts = parts
    }

    /// The variable names, in order (without a reserved-expansion `+`).
    public var variables: [String] {
        parts.compactMap { part in
            if case .variable(let name) = part { return name.hasPrefix("+") ? String(name.dropFirst()) : name }
            return nil
        }
    }

    /// Matches a concrete URI; returns the decoded variables, or `nil` when it does not fit.
    public func match(_ uri: String) -> [String: String]? {
        var values: [String: String] = [:]
        var rest = Substring(uri)
        for (position, part) in parts.enumerated() {
            switch part {
            case .literal(let text):
                guard rest.hasPrefix(text) else { return nil }
                rest = rest.dropFirst(text.count)
            case .variable(let rawName):
                let spansSegments = rawName.hasPrefix("+")
                let name = spansSegments ? String(rawName.dropFirst()) : rawName
                var end =
                    rest.firstIndex(where: { ($0 == "/" && !spansSegments) || $0 == "?" || $0 == "#" }) ?? rest.endIndex
                if position + 1 < parts.count, case .literal(let next) = parts[position + 1],
                    let found = rest[..<end].range(of: next)
                {
                    end = found.lowerBound
                }
                let raw = rest[..<end]
                guard !raw.isEmpty, let decoded = Self.percentDecode(raw) else { return nil }
                values[name] = decoded
                rest = rest[end...]
            }
        }
        return rest.isEmpty ? values : nil
    }

    /// `%XX` escapes decoded; `nil` for a malformed escape or bytes that are not UTF-8.
    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

extension Substring {
    fileprivate func range(of needle: String) -> Range<Index>? {
        var start = startIndex
        while start < endIndex {
            if self[start...].hasPrefix(needle) { return start..<index(start, offsetBy: needle.count) }
            start = index(after: start)
        }
        return nil
    }
}

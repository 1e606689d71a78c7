import BastionSecurity

/// A glob as the reference filesystem server's tools take it (`pattern`, `excludePatterns`,
/// `filePattern`), matched against a path relative to the search root, dot files included.
///
/// Syntax: ``GlobPattern``'s (`*`, `?`, `**`), plus one level of `{a,b}` alternatives, expanded
/// into several globs. A pattern without a wildcard also matches by name anywhere below the root
/// and everything beneath such a directory, like the reference's `directory_tree` exclusions.
struct PathPattern: Sendable {
    private let globs: [GlobPattern]

    /// Compiles a pattern.
    /// - Parameters:
    ///   - pattern: The glob, relative to the root.
    ///   - root: The canonical root it is relative to.
    ///   - matchingNamesAnywhere: Whether a wildcard-free pattern also matches a name at any depth.
    /// - Throws: ``ToolError`` naming the pattern when it cannot be compiled.
    init(_ pattern: String, root: String, matchingNamesAnywhere: Bool = false) throws(ToolError) {
        guard pattern.utf8.count <= Self.maximumLength else {
            throw ToolError("Invalid pattern: longer than \(Self.maximumLength) bytes")
        }
        guard let expanded = Self.expandBraces(pattern) else {
            throw ToolError("Invalid pattern \"\(pattern)\": more than \(Self.maximumAlternatives) {…} alternatives")
        }
        var sources = expanded
        if matchingNamesAnywhere, !pattern.contains("*"), !pattern.contains("?") {
            sources += sources.flatMap { ["**/" + $0, "**/" + $0 + "/**"] }
        }
        var globs: [GlobPattern] = []
        for source in sources {
            // A leading `/` would make the glob absolute; the reference treats patterns as relative.
            let relative = String(decoding: Array(source.utf8).drop { $0 == UInt8(ascii: "/") }, as: UTF8.self)
            guard !relative.isEmpty else { continue }
            do {
                globs.append(try GlobPattern(relative, relativeTo: root))
            } catch {
                throw ToolError("Invalid pattern \"\(pattern)\": \(error.message)")
            }
        }
        guard !globs.isEmpty else { throw ToolError("Invalid pattern \"\(pattern)\": it is empty") }
        self.globs = globs
    }

    /// Whether the canonical absolute path matches.
    func matches(_ path: String) -> Bool {
        globs.contains { $0.matches(path) }
    }

    /// The longest pattern accepted, in bytes.
    static let maximumLength = 1_024
    /// The most globs one pattern may expand to.
    static let maximumAlternatives = 64

    /// `a{b,c}d` → `abd`, `acd`; groups expanded one after the other (not nested); `nil` when the
    /// expansion would pass ``maximumAlternatives`` (checked before building it).
    static func expandBraces(_ pattern: String, limit: Int = maximumAlternatives) -> [String]? {
        var results: [String] = []
        var pending = [pattern]
        while let next = pending.popLast() {
            guard let open = next.firstIndex(of: "{"), let close = next[open...].firstIndex(of: "}") else {
                results.append(next)
                guard results.count <= limit else { return nil }
                continue
            }
            let head = next[..<open]
            let tail = next[next.index(after: close)...]
            let options = next[next.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false)
            guard results.count + pending.count + options.count <= limit else { return nil }
            for option in options.reversed() { pending.append(String(head + option + tail)) }
        }
        return results
    }
}

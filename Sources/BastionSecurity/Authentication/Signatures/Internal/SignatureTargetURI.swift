/// The parts of a request's target URI (`scheme://authority/path?query`) that RFC 9421 §2.2
/// derives components from. Anything else — no `://`, userinfo, a fragment, a byte outside
/// visible ASCII — is refused, so what is signed is what is routed.
struct SignatureTargetURI: Sendable, Hashable {
    /// The URI as sent (`@target-uri`).
    var text: String
    /// The scheme, lowercased (`@scheme`).
    var scheme: String
    /// The authority, lowercased, without the scheme's default port (`@authority`).
    var authority: String
    /// The path; `/` when empty (`@path`).
    var path: String
    /// The query without its `?`; `nil` when the URI has none.
    var query: String?

    /// Splits `text`; `nil` when it is not an absolute `http`/`https`-style URI we sign.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x21...0x7E).contains($0) }), !bytes.contains(UInt8(ascii: "#")),
            let separator = text.firstRange(of: "://")
        else { return nil }
        let scheme = Self.lowercased(String(text[..<separator.lowerBound]))
        guard let first = scheme.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            scheme.utf8.allSatisfy({ Self.isSchemeByte($0) })
        else { return nil }
        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex  // path-bytes: ASCII URI
        var authority = Self.lowercased(String(rest[..<authorityEnd]))
        guard !authority.isEmpty, !authority.contains("@") else { return nil }  // path-bytes: ASCII URI
        for (knownScheme, port) in [("https", ":443"), ("http", ":80")] where scheme == knownScheme {
            if authority.hasSuffix(port) { authority.removeLast(port.count) }  // path-bytes: ASCII URI
        }
        let pathAndQuery = rest[authorityEnd...]
        let queryStart = pathAndQuery.firstIndex(of: "?")  // path-bytes: ASCII URI
        let path = String(pathAndQuery[..<(queryStart ?? pathAndQuery.endIndex)])
        self.text = text
        self.scheme = scheme
        self.authority = authority
        self.path = path.isEmpty ? "/" : path
        self.query = queryStart.map { String(pathAndQuery[pathAndQuery.index(after: $0)...]) }
    }

    /// `@request-target`: the path and query, as in an HTTP/1.1 origin-form request line.
    var requestTarget: String { path + (query.map { "?" + $0 } ?? "") }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private static func lowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

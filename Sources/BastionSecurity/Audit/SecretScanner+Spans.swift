extension SecretScanner {
    /// One secret found and masked: what it looks like, and how much text it covered.
    public struct MaskedSpan: Sendable, Hashable {
        /// A few words: `private key`, `bearer token`, `JWT`, `assigned value`, `token`.
        public var kind: String
        /// The UTF-8 bytes masked.
        public var bytes: Int
        /// The lines they spanned (1 for a span without a line feed).
        public var lines: Int

        /// The visible marker put in its place: `«redacted: private key, 812 bytes, 14 lines»`.
        public var marker: String {
            "«redacted: \(kind), \(bytes) bytes" + (lines > 1 ? ", \(lines) lines»" : "»")
        }
    }

    /// `text` with every secret replaced by its span's visible ``MaskedSpan/marker``, and the spans.
    ///
    /// For text put in front of a person who decides (an approval): the masking itself must be
    /// seen, so that a payload hidden behind something that looks like a secret is noticed, while
    /// the secret itself is never shown.
    /// - Parameter text: Any text.
    /// - Returns: The masked text and what was masked, in order; `text` itself and no span when nothing matched.
    public static func masked(_ text: String) -> (text: String, spans: [MaskedSpan]) {
        let copy = Array(text.utf8)
        return copy.withUnsafeBufferPointer { bytes in
            var spans: [MaskedSpan] = []
            guard let output = masked(bytes: bytes, spans: &spans) else { return (text, []) }
            return (String(decoding: output, as: UTF8.self), spans)
        }
    }

    private static func masked(bytes: UnsafeBufferPointer<UInt8>, spans: inout [MaskedSpan]) -> [UInt8]? {
        replacingMatches(in: bytes) { range, output in
            // A BEGIN line without its END line is not a key a person needs protecting from: what
            // follows it may be commands (second review F4), so it stays visible in the preview.
            if isUnterminatedKeyBlock(bytes[range]) {
                output.append(contentsOf: bytes[range])
                return
            }
            var before = range.lowerBound - 1
            while before >= 0, bytes[before] == 0x22 || bytes[before] == 0x27 || bytes[before] == 0x20 { before -= 1 }
            let isAssigned = before >= 0 && (bytes[before] == 0x3D || bytes[before] == 0x3A)  // = :
            let span = Self.span(bytes[range], isAssigned: isAssigned)
            output.append(contentsOf: span.marker.utf8)
            spans.append(span)
        }
    }

    /// Whether a run starts with a PEM `-----BEGIN` line and holds no `-----END` line.
    static func isUnterminatedKeyBlock(_ run: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let begin = Array("-----BEGIN".utf8)
        let end = Array("-----END".utf8)
        guard run.count >= begin.count, run.prefix(begin.count).elementsEqual(begin) else { return false }
        let bytes = Array(run)
        guard bytes.count >= end.count else { return true }
        return !(0...(bytes.count - end.count)).contains { bytes[$0..<($0 + end.count)].elementsEqual(end) }
    }

    /// What a masked run looks like, from its first bytes (and whether it follows `=` or `:`).
    static func span(_ run: Slice<UnsafeBufferPointer<UInt8>>, isAssigned: Bool) -> MaskedSpan {
        let lines = 1 + run.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        // ASCII case folded, so `Bearer` and `BEARER` read alike.
        let head = run.prefix(64).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        func starts(_ word: StaticString) -> Bool {
            let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            return head.count >= bytes.count && head.prefix(bytes.count).elementsEqual(bytes)
        }
        func holds(_ word: StaticString) -> Bool {
            let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard head.count >= bytes.count else { return false }
            return (0...(head.count - bytes.count)).contains { head[$0..<$0 + bytes.count].elementsEqual(bytes) }
        }
        let kind: String
        if starts("-----begin") || holds("private key") {
            kind = "private key"
        } else if starts("bearer") || starts("basic") {
            kind = "authorization value"
        } else if starts("eyj") {
            kind = "JWT"
        } else if isAssigned || head.contains(0x3D) || head.contains(0x3A) {  // = :
            kind = "assigned value"
        } else {
            kind = "token"
        }
        return MaskedSpan(kind: kind, bytes: run.count, lines: lines)
    }
}

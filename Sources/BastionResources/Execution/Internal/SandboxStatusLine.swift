import BastionProtocol

/// What `sandbox-exec` writes on descriptor 4, one line per verdict, the last one final:
/// `applied {JSON}` or `failed <step>: <message>`.
enum SandboxStatusLine {
    /// The report of an `applied` line, or the text of a `failed` one; both `nil` when the child
    /// wrote nothing (it died first) or something else.
    static func parse(_ bytes: [UInt8]) -> (report: JSONValue?, failure: String?) {
        // The last line is the verdict: `applied` may be followed by `failed exec: …` when
        // `execve` itself fails (review 4, finding 8b).
        var line = bytes[...]
        while line.last == UInt8(ascii: "\n") { line = line.dropLast() }
        if let newline = line.lastIndex(of: UInt8(ascii: "\n")) { line = line[(newline + 1)...] }
        let applied = Array("applied ".utf8)
        let failed = Array("failed ".utf8)
        if line.starts(with: applied) {
            let report = try? JSONParser.parse(Array(line.dropFirst(applied.count)))
            return (report ?? .object([:]), nil)
        }
        if line.starts(with: failed) {
            return (nil, String(decoding: line.dropFirst(failed.count), as: UTF8.self))
        }
        if bytes.isEmpty { return (nil, nil) }
        return (nil, "unexpected status from sandbox-exec: \(String(decoding: line.prefix(200), as: UTF8.self))")
    }
}

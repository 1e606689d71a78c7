import BastionProtocol

/// The one line `sandbox-exec` writes on descriptor 4: `applied {JSON}` or `failed <step>: <message>`.
enum SandboxStatusLine {
    /// The report of an `applied` line, or the text of a `failed` one; both `nil` when the child
    /// wrote nothing (it died first) or something else.
    static func parse(_ bytes: [UInt8]) -> (report: JSONValue?, failure: String?) {
        var line = bytes[...]
        if let newline = line.firstIndex(of: UInt8(ascii: "\n")) { line = line[..<newline] }
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

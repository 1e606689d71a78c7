import BastionProtocol
import BastionSecurity
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The server's log lines on stderr (stdout belongs to the MCP stream), in `StreamLogHandler`'s
/// layout: `<time> <level> <label>: <key=value …> [<source>] <message>`.
///
/// Log messages are constant but metadata carries what clients sent (a client's name, a tool name,
/// a path, an error echoing an argument), so every piece is escaped (``DisplayText``: no forged
/// lines, no terminal escapes, no bidi reordering), bounded and scrubbed of secrets found by value
/// (``SecretScanner``) before it is written, in one `write(2)` per line.
struct StderrLogHandler: LogHandler {
    /// The longest metadata value kept, in UTF-8 bytes.
    static let maximumValueBytes = 1_024
    /// The longest message kept, in UTF-8 bytes.
    static let maximumMessageBytes = 4_096

    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = Array(Self.format(event, label: label, base: metadata, provider: metadataProvider).utf8)
        line.append(0x0A)
        _ = line.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// One log line, without its line feed.
    static func format(
        _ event: LogEvent,
        label: String,
        base: Logger.Metadata = [:],
        provider: Logger.MetadataProvider? = nil,
        time: String = timestamp()
    ) -> String {
        var merged = base
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error.message"] = "\(error)" }
        let pairs = merged.sorted { $0.key < $1.key }.map { key, value in
            "\(safe(key, maxBytes: 128))=\(safe(value.description, maxBytes: maximumValueBytes))"
        }
        var line = "\(time) \(event.level) \(label):"
        if !pairs.isEmpty { line += " " + pairs.joined(separator: " ") }
        line +=
            " [\(safe(event.source, maxBytes: 128))] \(safe(event.message.description, maxBytes: maximumMessageBytes))"
        return line
    }

    /// Secrets masked, then escaped and bounded.
    static func safe(_ text: String, maxBytes: Int) -> String {
        DisplayText.escaped(SecretScanner.scrubbed(text), maxBytes: maxBytes)
    }

    /// Local time as `2026-11-25T14:03:11+0100`, as `StreamLogHandler` writes it.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

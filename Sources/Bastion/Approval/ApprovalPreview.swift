import BastionProtocol
import BastionSecurity

/// What a call will do, shown to the person who approves it: the content a write puts in a file,
/// the diff of an edit, the argv and working directory of an execution.
///
/// Its text is made for a terminal or a client's dialog: secrets found by value are masked
/// (``SecretScanner``), control, format and bidirectional characters are escaped (``DisplayText``;
/// line feeds and tabs stay), and the body is cut to ``maximumBytes`` with a note saying how much
/// was left out, so the approval socket never carries a whole large file.
struct ApprovalPreview: Sendable, Hashable {
    /// The longest body kept, in UTF-8 bytes after escaping.
    static let maximumBytes = 64 * 1024

    /// One line saying what happens (`Creates /w/notes.txt (1834 bytes)`), escaped.
    var title: String
    /// The content, diff or command, escaped and bounded; empty when there is nothing more to show.
    var body: String
    /// Whether the body was cut.
    var isTruncated: Bool

    /// Creates a preview from raw text (masked, escaped and bounded here).
    /// - Parameters:
    ///   - title: One line.
    ///   - body: Any text, several lines.
    ///   - maximumBytes: The longest body kept.
    init(title: String, body: String = "", maximumBytes: Int = ApprovalPreview.maximumBytes) {
        self.title = DisplayText.escaped(SecretScanner.scrubbed(title), maxBytes: 1_024)
        let scrubbed = SecretScanner.scrubbed(body)
        let (shown, isCut) = DisplayText.escapedPrefix(scrubbed, maxBytes: maximumBytes, keepingLines: true)
        self.isTruncated = isCut
        self.body = shown
        if isCut {
            let left = scrubbed.utf8.count - shown.utf8.count
            self.body += "\n[… truncated here: about \(left) more bytes are not shown]"
        }
    }

    /// The preview as the person reads it: the title, then the body between rules.
    var text: String {
        guard !body.isEmpty else { return title }
        let rule = String(repeating: "─", count: 40)
        return title + "\n" + rule + "\n" + body + (body.hasSuffix("\n") ? "" : "\n") + rule
    }
}

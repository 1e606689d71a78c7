import BastionProtocol
import BastionSecurity

/// What a call will do, shown to the person who approves it: the content a write puts in a file,
/// the diff of an edit, the argv and working directory of an execution, the paths a move or a
/// delete acts on.
///
/// Its text is made for a terminal or a client's dialog: control, format and bidirectional
/// characters are escaped (``DisplayText``; line feeds and tabs stay), and the body is kept whole
/// (`bastion approve show` pages it): a person must be able to read everything the call writes.
/// Secrets found by value are masked, but never silently: each masked span is replaced by a marker
/// saying what it looked like and how long it was (``SecretScanner/MaskedSpan``), and the text
/// starts with a warning when anything was masked, because what is hidden is written as sent.
struct ApprovalPreview: Sendable, Hashable {
    /// The longest body shown, in UTF-8 bytes after escaping; a call whose preview would be longer
    /// is refused instead of being approved half-seen (``isTooLarge``).
    static let maximumBytes = 16 << 20
    /// The longest title, in UTF-8 bytes after escaping (room for two whole paths of 4 KiB escaped).
    static let maximumTitleBytes = 64 * 1024

    /// One line saying what happens (`Creates /w/notes.txt (1834 bytes)`), escaped.
    var title: String
    /// The content, diff or command, escaped; empty when there is nothing more to show.
    var body: String
    /// Whether the body is longer than ``maximumBytes`` (then it is empty and the call is refused).
    var isTooLarge: Bool
    /// What was masked in the title and the body.
    var maskedSpans: [SecretScanner.MaskedSpan]
    /// What a file change was computed from; the call writes only if it still holds.
    var basis: ApprovalBasis?
    /// Why the call's path is refused when the preview was made (`nil`: it was authorized). Such a
    /// call is never put to a person: there is nothing to show, and a client that widens its roots
    /// while the call waits would turn an approved "the call will fail" into a change nobody saw.
    var refusal: String?

    /// Creates a preview from raw text (masked and escaped here).
    /// - Parameters:
    ///   - title: One line.
    ///   - body: Any text, several lines.
    ///   - basis: The state of the file the preview describes, re-checked before the call writes.
    ///   - maximumBytes: The longest body shown.
    init(
        title: String,
        body: String = "",
        basis: ApprovalBasis? = nil,
        maximumBytes: Int = ApprovalPreview.maximumBytes
    ) {
        let (maskedTitle, titleSpans) = SecretScanner.masked(title)
        self.title = DisplayText.escaped(maskedTitle, maxBytes: Self.maximumTitleBytes)
        self.basis = basis
        // The content is escaped only when its size says it could fit: escaping never shrinks it.
        guard body.utf8.count <= maximumBytes else {
            (self.body, self.isTooLarge, self.maskedSpans) = ("", true, titleSpans)
            return
        }
        let (maskedBody, bodySpans) = SecretScanner.masked(body)
        let (shown, isCut) = DisplayText.escapedPrefix(maskedBody, maxBytes: maximumBytes, keepingLines: true)
        self.isTooLarge = isCut
        self.body = isCut ? "" : shown
        self.maskedSpans = titleSpans + bodySpans
    }

    /// The warning put before a preview in which something was masked; `nil` when nothing was.
    var warning: String? {
        guard !maskedSpans.isEmpty else { return nil }
        let count = maskedSpans.count
        let spans = count == 1 ? "1 span that looks like a secret is" : "\(count) spans that look like secrets are"
        return "WARNING: \(spans) hidden below (marked «redacted: …»); what is hidden will be written as sent — "
            + "refuse if you did not expect a secret here."
    }

    /// The preview as the person reads it: the warning, the title, then the body between rules.
    var text: String {
        let head = (warning.map { $0 + "\n" } ?? "") + title
        guard !body.isEmpty else { return head }
        let rule = String(repeating: "─", count: 40)
        return head + "\n" + rule + "\n" + body + (body.hasSuffix("\n") ? "" : "\n") + rule
    }

    /// A preview of a call whose path is refused: the call is refused without asking anyone.
    static func refused(_ message: String) -> ApprovalPreview {
        var preview = ApprovalPreview(title: "The path is refused: \(message)")
        preview.refusal = message
        return preview
    }

    /// Why the call is refused without asking when its preview could not be made or shown.
    var unaskableReason: String? {
        if let refusal { return "the path is refused, so there is nothing to approve (\(refusal))" }
        return isTooLarge ? tooLargeReason : nil
    }

    /// Why the call is refused when the preview is too large to show.
    var tooLargeReason: String {
        "what the call would write is larger than \(Self.maximumBytes >> 20) MiB, too large to be shown for approval"
    }
}

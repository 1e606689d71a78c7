import BastionProtocol

/// Writes `directory_tree`'s JSON text as the walk goes, in the reference's layout
/// (`JSON.stringify(tree, null, 2)`), without building the tree in memory first.
///
/// Each piece is appended to the text in place (no temporary strings per entry): a walk of 100,000
/// entries writes 16 MB here.
struct TreeTextBuilder {
    private var text = "["
    /// Entries written so far at each open level (the top level first).
    private var counts = [0]
    /// Runs of spaces by length, made once each.
    private var spaces: [String] = []

    /// Adds a file at the current level.
    mutating func file(_ name: String) {
        beginEntry()
        appendIndent(1)
        text += "\"name\": "
        appendQuoted(name)
        text += ",\n"
        appendIndent(1)
        text += "\"type\": \"file\"\n"
        appendIndent(0)
        text += "}"
    }

    /// Opens a directory at the current level; its children follow until ``closeDirectory()``.
    mutating func openDirectory(_ name: String) {
        beginEntry()
        appendIndent(1)
        text += "\"name\": "
        appendQuoted(name)
        text += ",\n"
        appendIndent(1)
        text += "\"type\": \"directory\",\n"
        appendIndent(1)
        text += "\"children\": ["
        counts.append(0)
    }

    /// Closes the innermost directory.
    mutating func closeDirectory() {
        guard counts.count > 1, let count = counts.popLast() else { return }
        if count == 0 {
            text += "]"
        } else {
            text += "\n"
            appendIndent(1)
            text += "]"
        }
        text += "\n"
        appendIndent(0)
        text += "}"
    }

    /// The finished text.
    mutating func finish() -> String {
        while counts.count > 1 { closeDirectory() }
        return text + (counts[0] == 0 ? "]" : "\n]")
    }

    private mutating func beginEntry() {
        text += counts[counts.count - 1] == 0 ? "\n" : ",\n"
        appendIndent(0)
        text += "{\n"
        counts[counts.count - 1] += 1
    }

    /// Appends the indentation of the current level's entry braces (`offset` 0) or their members (`offset` 1).
    private mutating func appendIndent(_ offset: Int) {
        // Top-level entries sit at 2 spaces; each directory level adds 4 (the object and its array).
        let count = 2 + (counts.count - 1) * 4 + offset * 2
        while spaces.count <= count { spaces.append(String(repeating: " ", count: spaces.count)) }
        text += spaces[count]
    }

    /// Appends a name as a JSON string: as is between quotes when nothing in it needs an escape
    /// (the usual case), else as ``JSONWriter`` writes it.
    private mutating func appendQuoted(_ name: String) {
        let isPlain = name.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
        guard isPlain else {
            text += Self.quoted(name)
            return
        }
        text += "\""
        text += name
        text += "\""
    }

    static func quoted(_ name: String) -> String {
        JSONWriter.string(.string(name))
    }
}

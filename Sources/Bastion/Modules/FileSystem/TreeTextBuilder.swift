import BastionProtocol

/// Writes `directory_tree`'s JSON text as the walk goes, in the reference's layout
/// (`JSON.stringify(tree, null, 2)`), without building the tree in memory first.
struct TreeTextBuilder {
    private var text = "["
    /// Entries written so far at each open level (the top level first).
    private var counts = [0]

    /// Adds a file at the current level.
    mutating func file(_ name: String) {
        beginEntry()
        text +=
            indent(1) + "\"name\": " + Self.quoted(name) + ",\n" + indent(1) + "\"type\": \"file\"\n" + indent(0) + "}"
    }

    /// Opens a directory at the current level; its children follow until ``closeDirectory()``.
    mutating func openDirectory(_ name: String) {
        beginEntry()
        text +=
            indent(1) + "\"name\": " + Self.quoted(name) + ",\n" + indent(1) + "\"type\": \"directory\",\n"
            + indent(1) + "\"children\": ["
        counts.append(0)
    }

    /// Closes the innermost directory.
    mutating func closeDirectory() {
        guard counts.count > 1, let count = counts.popLast() else { return }
        text += count == 0 ? "]" : "\n" + indent(1) + "]"
        text += "\n" + indent(0) + "}"
    }

    /// The finished text.
    mutating func finish() -> String {
        while counts.count > 1 { closeDirectory() }
        return text + (counts[0] == 0 ? "]" : "\n]")
    }

    private mutating func beginEntry() {
        text += (counts[counts.count - 1] == 0 ? "\n" : ",\n") + indent(0) + "{\n"
        counts[counts.count - 1] += 1
    }

    /// The indentation of the current level's entry braces (`offset` 0) or their members (`offset` 1).
    private func indent(_ offset: Int) -> String {
        // Top-level entries sit at 2 spaces; each directory level adds 4 (the object and its array).
        String(repeating: " ", count: 2 + (counts.count - 1) * 4 + offset * 2)
    }

    static func quoted(_ name: String) -> String {
        JSONWriter.string(.string(name))
    }
}

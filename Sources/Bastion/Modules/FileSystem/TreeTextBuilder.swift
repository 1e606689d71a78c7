import BastionProtocol

/// Writes `directory_tree`'s JSON text as the walk goes, in the reference's layout
/// (`JSON.stringify(tree, null, 2)`), without building the tree in memory first.
///
/// Each piece is appended to the text's bytes in place (no temporary strings per entry): a walk of
/// 100,000 entries writes 16 MB here.
struct TreeTextBuilder {
    private var text: [UInt8] = Array("[".utf8)
    /// Entries written so far at each open level (the top level first).
    private var counts = [0]
    /// Runs of spaces by length, made once each.
    private var spaces: [[UInt8]] = []

    /// Adds a file at the current level.
    mutating func file(_ name: String) {
        beginNamedEntry(name)
        text.append(contentsOf: "\"type\": \"file\"\n".utf8)
        appendIndent(0)
        text.append(contentsOf: "}".utf8)
    }

    /// Opens a directory at the current level; its children follow until ``closeDirectory()``.
    mutating func openDirectory(_ name: String) {
        beginNamedEntry(name)
        text.append(contentsOf: "\"type\": \"directory\",\n".utf8)
        appendIndent(1)
        text.append(contentsOf: "\"children\": [".utf8)
        counts.append(0)
    }

    /// Starts an entry with its `"name"` member and the indent of the next member.
    private mutating func beginNamedEntry(_ name: String) {
        beginEntry()
        appendIndent(1)
        text.append(contentsOf: "\"name\": ".utf8)
        appendQuoted(name)
        text.append(contentsOf: ",\n".utf8)
        appendIndent(1)
    }

    /// Closes the innermost directory.
    mutating func closeDirectory() {
        guard counts.count > 1, let count = counts.popLast() else { return }
        if count == 0 {
            text.append(contentsOf: "]".utf8)
        } else {
            text.append(contentsOf: "\n".utf8)
            appendIndent(1)
            text.append(contentsOf: "]".utf8)
        }
        text.append(contentsOf: "\n".utf8)
        appendIndent(0)
        text.append(contentsOf: "}".utf8)
    }

    /// The finished text.
    mutating func finish() -> String {
        while counts.count > 1 { closeDirectory() }
        text.append(contentsOf: (counts[0] == 0 ? "]" : "\n]").utf8)
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func beginEntry() {
        text.append(contentsOf: (counts[counts.count - 1] == 0 ? "\n" : ",\n").utf8)
        appendIndent(0)
        text.append(contentsOf: "{\n".utf8)
        counts[counts.count - 1] += 1
    }

    /// Appends the indentation of the current level's entry braces (`offset` 0) or their members (`offset` 1).
    private mutating func appendIndent(_ offset: Int) {
        // Top-level entries sit at 2 spaces; each directory level adds 4 (the object and its array).
        let count = 2 + (counts.count - 1) * 4 + offset * 2
        while spaces.count <= count { spaces.append([UInt8](repeating: UInt8(ascii: " "), count: spaces.count)) }
        text.append(contentsOf: spaces[count])
    }

    /// Appends a name as a JSON string: as is between quotes when nothing in it needs an escape
    /// (the usual case), else as ``JSONWriter`` writes it.
    private mutating func appendQuoted(_ name: String) {
        let isPlain = name.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
        guard isPlain else {
            text.append(contentsOf: Self.quoted(name).utf8)
            return
        }
        text.append(contentsOf: "\"".utf8)
        text.append(contentsOf: name.utf8)
        text.append(contentsOf: "\"".utf8)
    }

    static func quoted(_ name: String) -> String {
        JSONWriter.string(.string(name))
    }
}

/// Puts the scans of a search's files together, in walk order, up to the match limit.
struct ContentSearch {
    let maxResults: Int
    let contextLines: Int
    private(set) var matches: [ContentMatch] = []
    private(set) var filesSearched = 0
    private var output: [String] = []

    init(maxResults: Int, contextLines: Int) {
        self.maxResults = max(1, maxResults)
        self.contextLines = max(0, contextLines)
    }

    /// Whether `maxResults` matches were found.
    var isFull: Bool { matches.count >= maxResults }

    /// Adds the next file's scan (nil: the file could not be opened, and is not counted).
    /// Once the search is full, further files are ignored.
    mutating func add(_ scan: FileScan?, path: String) {
        guard let scan, !isFull else { return }
        filesSearched += 1
        var previous: Int?
        for line in scan.truncated(toMatches: maxResults - matches.count, contextLines: contextLines).lines {
            if let previous, line.number > previous + 1 { output.append("--") }
            previous = line.number
            if line.isMatch {
                output.append("\(path):\(line.number):\(line.text)")
                matches.append(ContentMatch(path: path, line: line.number, text: line.text))
            } else {
                output.append("\(path)-\(line.number)-\(line.text)")
            }
        }
    }

    /// The result, with the text `search_content` answers.
    func result(wasStopped: Bool) -> ContentSearchResult {
        var text = output.isEmpty ? "No matches found" : output.joined(separator: "\n")
        if isFull { text += "\n[stopped at \(maxResults) matches]" }
        return ContentSearchResult(
            matches: matches,
            text: text,
            filesSearched: filesSearched,
            isTruncated: isFull,
            wasStopped: wasStopped
        )
    }
}

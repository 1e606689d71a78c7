import BastionProtocol

#if canImport(Glibc)
import Glibc
#endif

/// `search_content`'s scanner: reads each file in 64 KiB chunks (never whole), splits lines, matches
/// a regular expression and keeps context lines, like `grep -n -C N`.
struct ContentSearch {
    /// Lines longer than this are cut for matching and display (bounds the work per line).
    static let maximumLineBytes = 8_192

    let regex: PosixRegex
    let contextLines: Int
    let maxResults: Int
    private(set) var matches: [JSONValue] = []
    private(set) var filesSearched = 0
    private var output: [String] = []
    /// The current line, NUL-terminated for the C matcher; reused between lines.
    private var lineBuffer: [CChar] = []

    init(regex: PosixRegex, contextLines: Int, maxResults: Int) {
        self.regex = regex
        self.contextLines = max(0, contextLines)
        self.maxResults = max(1, maxResults)
    }

    /// Whether `maxResults` matches were found.
    var isFull: Bool { matches.count >= maxResults }

    /// The grep-style text of the results.
    func text() -> String {
        var text = output.isEmpty ? "No matches found" : output.joined(separator: "\n")
        if isFull { text += "\n[stopped at \(maxResults) matches]" }
        return text
    }

    /// Scans one open file; a file whose first chunk holds a NUL byte is skipped as binary.
    /// - Parameter shouldStop: Asked between chunks; `true` (cancelled, past the deadline) ends the scan.
    mutating func scan(_ descriptor: Int32, path: String, shouldStop: () -> Bool = { false }) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var pending: [UInt8] = []
        var lineNumber = 0
        var before: [(Int, String)] = []
        var afterRemaining = 0
        var lastPrinted = 0
        var isFirstChunk = true
        filesSearched += 1

        func handle(_ bytes: ArraySlice<UInt8>, _ state: inout Self) {
            lineNumber += 1
            var line = bytes.prefix(Self.maximumLineBytes)
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let text = String(decoding: line, as: UTF8.self)
            state.lineBuffer.removeAll(keepingCapacity: true)
            state.lineBuffer.append(contentsOf: line.lazy.map { CChar(bitPattern: $0) })
            state.lineBuffer.append(0)
            let isMatch =
                !state.isFull
                && state.lineBuffer.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress.map { state.regex.matches($0) } ?? false
                }
            if isMatch {
                if lastPrinted > 0, lineNumber - before.count > lastPrinted + 1 { state.output.append("--") }
                for (number, context) in before { state.output.append("\(path)-\(number)-\(context)") }
                before.removeAll()
                state.output.append("\(path):\(lineNumber):\(text)")
                state.matches.append(["path": .string(path), "line": .int(Int64(lineNumber)), "text": .string(text)])
                lastPrinted = lineNumber
                afterRemaining = state.contextLines
            } else if afterRemaining > 0 {
                state.output.append("\(path)-\(lineNumber)-\(text)")
                lastPrinted = lineNumber
                afterRemaining -= 1
            } else if state.contextLines > 0 {
                before.append((lineNumber, text))
                if before.count > state.contextLines { before.removeFirst() }
            }
        }

        while (!isFull || afterRemaining > 0) && !shouldStop() {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            let bytes = chunk[..<count]
            if isFirstChunk {
                isFirstChunk = false
                if bytes.contains(0) { return }
            }
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if pending.isEmpty {
                    handle(bytes[start..<newline], &self)
                } else {
                    pending += bytes[start..<newline]
                    handle(pending[...], &self)
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
                if isFull && afterRemaining == 0 { return }
            }
            // Keep at most one line's worth of an unfinished line.
            if pending.count < Self.maximumLineBytes {
                pending += bytes[start...].prefix(Self.maximumLineBytes - pending.count)
            }
        }
        if !pending.isEmpty { handle(pending[...], &self) }
    }
}

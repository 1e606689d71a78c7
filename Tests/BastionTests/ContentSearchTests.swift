import BastionProtocol
import BastionResources
import BastionSecurity
import Foundation
import Testing

@testable import Bastion

struct ContentSearchTests {
    private func scan(_ text: [UInt8], pattern: String, context: Int = 0, max: Int = 100) throws -> ContentSearch {
        let scratch = try ScratchDirectory()
        let path = scratch.file("f")
        try Data(text).write(to: URL(fileURLWithPath: path))
        var search = ContentSearch(
            regex: try PosixRegex(pattern, caseSensitive: true),
            contextLines: context,
            maxResults: max
        )
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        search.scan(descriptor, path: "f")
        return search
    }

    @Test func matchesAreNumberedWithSeparatedContextGroups() throws {
        let lines = (1...10).map { $0 == 2 || $0 == 9 ? "hit \($0)" : "line \($0)" }.joined(separator: "\r\n")
        let search = try scan(Array(lines.utf8), pattern: "hit", context: 1)
        #expect(search.text() == "f-1-line 1\nf:2:hit 2\nf-3-line 3\n--\nf-8-line 8\nf:9:hit 9\nf-10-line 10")
        #expect(search.matches.count == 2)
    }

    @Test func theResultLimitStopsTheScan() throws {
        let search = try scan(Array(String(repeating: "x\n", count: 50).utf8), pattern: "x", max: 3)
        #expect(search.matches.count == 3)
        #expect(search.isFull)
        #expect(search.text().hasSuffix("[stopped at 3 matches]"))
    }

    @Test func binaryFilesAndHugeLinesAreHandled() throws {
        #expect(try scan([0, 65, 10], pattern: "A").matches.isEmpty)
        let long = String(repeating: "a", count: 100_000) + "needle\nneedle\n"
        let search = try scan(Array(long.utf8), pattern: "needle")
        // The first line is cut at 8 KiB before the needle; the second line matches.
        #expect(search.matches == [["path": "f", "line": 2, "text": "needle"]])
    }
}

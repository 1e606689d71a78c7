import Testing

@testable import BastionResources

struct ContentSearchTests {
    private static func scan(_ lines: [(Int, Bool)]) -> FileScan {
        var scan = FileScan()
        scan.lines = lines.map { FileScan.Line(number: $0.0, text: "t\($0.0)", isMatch: $0.1) }
        scan.matchCount = lines.filter(\.1).count
        return scan
    }

    @Test func filesAreJoinedInOrderWithSeparatorsBetweenDistantGroups() {
        var search = ContentSearch(maxResults: 10, contextLines: 1)
        search.add(Self.scan([(1, false), (2, true), (3, false), (8, false), (9, true)]), path: "a")
        search.add(nil, path: "unreadable")
        search.add(FileScan(isBinary: true), path: "binary")
        search.add(Self.scan([(1, true)]), path: "b")
        let result = search.result(wasStopped: false)
        #expect(result.text == "a-1-t1\na:2:t2\na-3-t3\n--\na-8-t8\na:9:t9\nb:1:t1")
        #expect(result.matches.map(\.path) == ["a", "a", "b"])
        #expect(result.filesSearched == 3)
        #expect(!result.isTruncated)
    }

    @Test func theLimitCutsTheFileThatReachesItAndIgnoresTheRest() {
        var search = ContentSearch(maxResults: 2, contextLines: 0)
        search.add(Self.scan([(1, true)]), path: "a")
        search.add(Self.scan([(4, true), (5, true)]), path: "b")
        search.add(Self.scan([(1, true)]), path: "c")
        let result = search.result(wasStopped: false)
        #expect(result.text == "a:1:t1\nb:4:t4\n[stopped at 2 matches]")
        #expect(result.filesSearched == 2)
        #expect(result.isTruncated)
        #expect(ContentSearch(maxResults: 5, contextLines: 0).result(wasStopped: true).text == "No matches found")
    }
}

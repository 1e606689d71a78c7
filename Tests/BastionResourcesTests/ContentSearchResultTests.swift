import Testing

@testable import BastionResources

struct ContentSearchResultTests {
    @Test func aResultKeepsWhatTheSearchFound() {
        let match = ContentMatch(path: "/w/a", line: 1, text: "x")
        let result = ContentSearchResult(
            matches: [match],
            text: "/w/a:1:x",
            filesSearched: 2,
            isTruncated: false,
            wasStopped: true
        )
        #expect(result.matches == [match])
        #expect(result.text == "/w/a:1:x")
        #expect(result.filesSearched == 2 && !result.isTruncated && result.wasStopped)
    }
}

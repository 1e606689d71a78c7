import Testing

@testable import BastionResources

struct ContentMatchTests {
    @Test func matchesCompareByPathLineAndText() {
        let match = ContentMatch(path: "/w/a.txt", line: 3, text: "needle")
        #expect(match == ContentMatch(path: "/w/a.txt", line: 3, text: "needle"))
        #expect(match != ContentMatch(path: "/w/a.txt", line: 4, text: "needle"))
    }
}

import Testing

@testable import BastionResources

struct ContentQueryTests {
    @Test func outOfRangeSettingsAreClamped() throws {
        let query = ContentQuery(regex: try LineRegex("a", caseSensitive: true), contextLines: -3, maxResults: 0, workers: 0)
        #expect(query.contextLines == 0)
        #expect(query.maxResults == 1)
        #expect(query.workers == 1)
    }

    @Test func theDefaultWorkerCountIsBetweenOneAndFour() {
        #expect((1...4).contains(ContentQuery.defaultWorkers))
    }
}

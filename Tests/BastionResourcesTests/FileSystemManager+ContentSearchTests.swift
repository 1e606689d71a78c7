import BastionSecurity
import Foundation
import Synchronization
import Testing

@testable import BastionResources

struct FileSystemManagerContentSearchTests {
    private func search(
        _ fixture: borrowing FileSystemFixture,
        _ pattern: String,
        path: String = ".",
        context: Int = 0,
        maxResults: Int = 100,
        workers: Int = 3,
        heldBytes: Int = SearchPool.heldBytesLimit,
        including: (String) -> Bool = { _ in true },
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws -> ContentSearchResult {
        let target = try fixture.manager.authorize(path, for: .read, client: fixture.client)
        var query = ContentQuery(
            regex: try LineRegex(pattern, caseSensitive: true),
            contextLines: context,
            maxResults: maxResults,
            workers: workers
        )
        query.heldBytes = heldBytes
        return try fixture.manager.searchContent(
            target,
            client: fixture.client,
            query: query,
            maxEntries: 10_000,
            including: including,
            shouldStop: shouldStop
        )
    }

    @Test func resultsComeInWalkOrderWhateverTheWorkerCount() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<300 {
            let body = index % 7 == 0 ? "one\nneedle \(index)\nthree\n" : "nothing here\n"
            try fixture.write(body, to: fixture.workdir + "/d\(index % 5)/f\(String(format: "%03d", index)).txt")
        }
        try Data([0] + Array("needle".utf8)).write(to: URL(fileURLWithPath: fixture.workdir + "/bin.dat"))
        let single = try search(fixture, "needle", context: 1, workers: 1)
        #expect(single.matches.count == 43)
        #expect(single.filesSearched == 301)
        #expect(!single.text.contains("bin.dat"))
        for workers in [2, 4] {
            let parallel = try search(fixture, "needle", context: 1, workers: workers)
            #expect(parallel.text == single.text)
            #expect(parallel.matches == single.matches)
        }
        let sorted = single.matches.map(\.path)
        #expect(sorted == sorted.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func filesDeferredByTheMemoryBudgetAreScannedAgainAtTheirTurn() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<60 {
            try fixture.write(
                String(repeating: "match \(index)\n", count: 30),
                to: fixture.workdir + "/f\(100 + index)"
            )
        }
        let unbounded = try search(fixture, "match", context: 1, maxResults: 10_000, workers: 1)
        #expect(unbounded.matches.count == 1_800)
        for workers in [1, 3] {
            let tight = try search(fixture, "match", context: 1, maxResults: 10_000, workers: workers, heldBytes: 4_000)
            #expect(tight.text == unbounded.text)
            #expect(tight.filesSearched == 60)
        }
    }

    @Test func theLimitGivesWhatASequentialSearchWouldGive() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<50 { try fixture.write("x\nx\nx\n", to: fixture.workdir + "/f\(100 + index)") }
        let result = try search(fixture, "x", context: 1, maxResults: 7, workers: 4)
        #expect(result.matches.count == 7)
        #expect(result.isTruncated && !result.wasStopped)
        #expect(result.filesSearched == 3)
        #expect(
            result.text.hasSuffix(
                fixture.workdir + "/f102:1:x\n" + fixture.workdir + "/f102-2-x\n[stopped at 7 matches]"
            )
        )
    }

    @Test func aSingleFileAndAFilterAndDeniedFilesAreHandled() throws {
        let fixture = try FileSystemFixture(deny: ["**/secret/**"])
        try fixture.write("needle\n", to: fixture.workdir + "/a.swift")
        try fixture.write("needle\n", to: fixture.workdir + "/b.txt")
        try fixture.write("needle\n", to: fixture.workdir + "/secret/c.txt")
        let one = try search(fixture, "needle", path: "a.swift")
        #expect(one.text == fixture.workdir + "/a.swift:1:needle")
        let filtered = try search(fixture, "needle", including: { $0.hasSuffix(".txt") })
        #expect(filtered.matches.map(\.path) == [fixture.workdir + "/b.txt"])
    }

    @Test func aStopRequestEndsTheSearchAndSaysSo() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<200 { try fixture.write("line\n", to: fixture.workdir + "/f\(index)") }
        let calls = Atomic(0)
        let result = try search(
            fixture,
            "line",
            maxResults: 10_000,
            shouldStop: { calls.add(1, ordering: .relaxed).newValue > 20 }
        )
        #expect(result.wasStopped)
        #expect(result.filesSearched < 200)
    }
}

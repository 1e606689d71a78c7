import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct FileSystemManagerWalkTests {
    @Test func theWalkIsSortedDepthFirstAndNeverFollowsLinks() throws {
        let fixture = try FileSystemFixture()
        for path in ["b/2.txt", "b/1.txt", "a.txt", "c/d/e.txt"] {
            try fixture.write("x", to: fixture.workdir + "/" + path)
        }
        try fixture.symlink(fixture.workdir + "/out", to: fixture.outside)
        let target = try fixture.manager.authorize(".", for: .read, client: fixture.client)
        var events: [String] = []
        let summary = try fixture.manager.walk(target, client: fixture.client, maxEntries: 100) { event in
            switch event {
            case .entry(let relative, let entry, _): events.append("\(relative)\(entry.kind == .symlink ? "@" : "")")
            case .enter(let relative, _): events.append("\(relative)/")
            case .leave(let relative): events.append("<\(relative)")
            }
            return .proceed
        }
        #expect(events == ["a.txt", "b/", "b/1.txt", "b/2.txt", "<b", "c/", "c/d/", "c/d/e.txt", "<c/d", "<c", "out@"])
        #expect(summary.entries == 8)
        #expect(!summary.reachedLimit)
    }

    @Test func deniedEntriesAreHiddenAndTheLimitIsReported() throws {
        let fixture = try FileSystemFixture(deny: ["**/secret/**"])
        for path in ["secret/key", "a", "b", "c"] { try fixture.write("x", to: fixture.workdir + "/" + path) }
        let target = try fixture.manager.authorize(".", for: .read, client: fixture.client)
        var names: [String] = []
        let summary = try fixture.manager.walk(target, client: fixture.client, maxEntries: 2) { event in
            if case .entry(let relative, _, _) = event { names.append(relative) }
            return .proceed
        }
        // The directory is read only up to the limit: two of its entries (the `secret` directory
        // may be one), sorted, not necessarily the first two by name.
        #expect(summary.entries == 2)
        #expect(names.count <= 2 && names == names.sorted() && Set(names).isSubset(of: ["a", "b", "c"]))
        #expect(summary.reachedLimit)
        let (entries, hidden, isTruncated) = try fixture.manager.list(target, client: fixture.client)
        #expect(!isTruncated)
        #expect(entries.map(\.name) == ["a", "b", "c"])
        #expect(hidden == 1)
    }

    @Test func skippedDirectoriesAreNotEntered() throws {
        let fixture = try FileSystemFixture()
        for path in ["node_modules/x/y.js", "src/a.swift"] { try fixture.write("x", to: fixture.workdir + "/" + path) }
        let target = try fixture.manager.authorize(".", for: .read, client: fixture.client)
        var files: [String] = []
        _ = try fixture.manager.walk(target, client: fixture.client, maxEntries: 100) { event in
            switch event {
            case .enter(let relative, _): return relative == "node_modules" ? .skip : .proceed
            case .entry(let relative, _, _): files.append(relative)
            case .leave: break
            }
            return .proceed
        }
        #expect(files == ["src/a.swift"])
    }

    @Test func listingWithStatusFillsSizes() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("12345", to: fixture.workdir + "/five")
        let target = try fixture.manager.authorize(".", for: .read, client: fixture.client)
        let (entries, _, _) = try fixture.manager.list(target, client: fixture.client, withStatus: true)
        #expect(entries.first?.size == 5)
        #expect((entries.first?.modified ?? 0) > 1_700_000_000)
    }

    @Test func aListingStopsAtItsLimitAndSaysSo() throws {
        let fixture = try FileSystemFixture(deny: ["**/hidden*"])
        for index in 0..<50 { try fixture.write("x", to: fixture.workdir + "/f\(index)") }
        try fixture.write("x", to: fixture.workdir + "/hidden")
        let target = try fixture.manager.authorize(".", for: .read, client: fixture.client)
        let cut = try fixture.manager.list(target, client: fixture.client, withStatus: true, maxEntries: 10)
        #expect(cut.entries.count == 10)
        #expect(cut.isTruncated)
        #expect(
            cut.entries.map(\.name) == cut.entries.map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        )
        #expect(cut.entries.allSatisfy { $0.size == 1 })
        let whole = try fixture.manager.list(target, client: fixture.client, maxEntries: 50)
        #expect(whole.entries.count == 50)
        #expect(!whole.isTruncated)
        #expect(whole.hidden == 1)
    }

    @Test func aWalkCutInsideAWideDirectoryReportsTheLimit() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<30 { try fixture.write("x", to: fixture.workdir + "/wide/f\(index)") }
        let target = try fixture.manager.authorize(".", for: .read, client: fixture.client)
        var count = 0
        let summary = try fixture.manager.walk(target, client: fixture.client, maxEntries: 5) { event in
            if case .entry = event { count += 1 }
            return .proceed
        }
        #expect(summary.reachedLimit)
        #expect(summary.entries == 5)
        #expect(count == 4)
    }
}

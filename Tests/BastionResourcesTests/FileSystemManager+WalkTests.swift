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
        #expect(names == ["a", "b"])
        #expect(summary.reachedLimit)
        let (entries, hidden) = try fixture.manager.list(target, client: fixture.client)
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
        let (entries, _) = try fixture.manager.list(target, client: fixture.client, withStatus: true)
        #expect(entries.first?.size == 5)
        #expect((entries.first?.modified ?? 0) > 1_700_000_000)
    }
}

import Foundation
import Synchronization
import Testing

@testable import BastionResources

struct FileWatcherTests {
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func wait(atLeast count: Int) async throws {
            for _ in 0..<500 where value.load(ordering: .relaxed) < count {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    private func watch(
        _ fixture: borrowing FileSystemFixture,
        _ watcher: FileWatcher,
        name: String,
        counter: Counter
    )
        throws -> FileWatcher.Token
    {
        let directory = try ConfinedOpener().openDirectory(fixture.workdir)
        let listing = try ConfinedOpener().open("", beneath: directory, flags: O_RDONLY | O_DIRECTORY, displayPath: "w")
        return try watcher.watch(directory: listing, name: name, path: fixture.workdir + "/" + name) {
            counter.value.add(1, ordering: .relaxed)
        }
    }

    @Test func aWriteAndAnAtomicReplacementOfTheNameAreSeen() async throws {
        let fixture = try FileSystemFixture()
        try fixture.write("v1", to: fixture.workdir + "/watched.txt")
        let watcher = try FileWatcher()
        defer { watcher.close() }
        let counter = Counter()
        _ = try watch(fixture, watcher, name: "watched.txt", counter: counter)
        try fixture.write("v2", to: fixture.workdir + "/watched.txt")
        try await counter.wait(atLeast: 1)
        #expect(counter.value.load(ordering: .relaxed) >= 1)
        let before = counter.value.load(ordering: .relaxed)
        try fixture.write("v3", to: fixture.workdir + "/other.tmp")
        #expect(rename(fixture.workdir + "/other.tmp", fixture.workdir + "/watched.txt") == 0)
        try await counter.wait(atLeast: before + 1)
        #expect(counter.value.load(ordering: .relaxed) > before)
    }

    @Test func otherNamesAndCancelledWatchesAreSilent() async throws {
        let fixture = try FileSystemFixture()
        let watcher = try FileWatcher()
        defer { watcher.close() }
        let watched = Counter()
        let cancelled = Counter()
        _ = try watch(fixture, watcher, name: "a", counter: watched)
        let token = try watch(fixture, watcher, name: "b", counter: cancelled)
        watcher.cancel(token)
        #expect(watcher.count == 1)
        try fixture.write("x", to: fixture.workdir + "/b")
        try fixture.write("x", to: fixture.workdir + "/c")
        try fixture.write("x", to: fixture.workdir + "/a")
        try await watched.wait(atLeast: 1)
        // `a` was written last: once its event arrived, the earlier ones had been delivered too.
        #expect(watched.value.load(ordering: .relaxed) >= 1)
        #expect(cancelled.value.load(ordering: .relaxed) == 0)
    }
}

import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct SearchPoolTests {
    private static func entry(_ name: String) -> DirectoryReader.Entry {
        DirectoryReader.Entry(
            name: name,
            isValidUTF8: true,
            rawName: name.utf8.map { CChar(bitPattern: $0) } + [0],
            kind: .file
        )
    }

    private static func pool(
        _ fixture: borrowing FileSystemFixture,
        _ pattern: String,
        workers: Int = 3,
        window: Int = 256,
        batchSize: Int = 16,
        heldBytes: Int = SearchPool.heldBytesLimit
    ) throws -> (SearchPool, Descriptor) {
        let regex = try LineRegex(pattern, caseSensitive: true)
        let pool = SearchPool(
            workers: workers,
            window: window,
            batchSize: batchSize,
            heldBytes: heldBytes,
            files: fixture.manager,
            makeScanner: { ContentScanner(regex: regex, contextLines: 0, limit: 1_000, budget: $0) },
            shouldStop: { false }
        )
        let directory = try fixture.manager.open(
            try fixture.manager.authorize(".", for: .read, client: fixture.client),
            flags: O_RDONLY | O_DIRECTORY
        )
        return (pool, directory)
    }

    @Test func scansComeBackInSubmissionOrderWithABoundedWindow() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<40 {
            try fixture.write(index.isMultiple(of: 3) ? "hit\n" : "miss\n", to: fixture.workdir + "/f\(index)")
        }
        try fixture.write("hit\n", to: fixture.workdir + "/hard")
        try FileManager.default.linkItem(atPath: fixture.workdir + "/hard", toPath: fixture.workdir + "/hard2")
        let (pool, directory) = try Self.pool(fixture, "hit", window: 4, batchSize: 2)
        var names = (0..<40).map { "f\($0)" }
        names.append("hard")  // hard-linked: cannot be opened for a search
        var received: [SearchPool.Outcome] = []
        for name in names {
            received += pool.submit(SearchPool.Job(directory: directory, entry: Self.entry(name), path: name))
            let outstanding = (names.firstIndex(of: name) ?? 0) + 1 - received.count
            #expect(outstanding <= pool.window + pool.batchSize)
        }
        received += pool.finish()
        #expect(received.map(\.job.path) == names)
        #expect(received.last?.scan == nil)
        #expect(received.compactMap(\.scan).filter { $0.matchCount == 1 }.count == 14)
    }

    @Test func scansPastTheBudgetAreDeferredAndScannedAgainWhole() throws {
        let fixture = try FileSystemFixture()
        let names = (0..<12).map { "f\($0)" }
        for name in names {
            try fixture.write(String(repeating: "hit line\n", count: 50), to: fixture.workdir + "/" + name)
        }
        // Room for about two files' lines: the others are deferred.
        let (pool, directory) = try Self.pool(fixture, "hit", heldBytes: 2 * 50 * ScanBudget.cost(of: "hit line"))
        var received: [SearchPool.Outcome] = []
        for name in names {
            received += pool.submit(SearchPool.Job(directory: directory, entry: Self.entry(name), path: name))
        }
        received += pool.finish()
        let deferred = received.filter { $0.scan?.isDeferred == true }
        #expect(!deferred.isEmpty)
        #expect(received.allSatisfy { $0.scan?.isDeferred == true || $0.scan?.matchCount == 50 })
        for outcome in deferred {
            let again = pool.rescan(outcome.job)
            #expect(again?.matchCount == 50 && again?.isDeferred == false)
        }
        for outcome in received { pool.release(outcome) }
    }

    @Test func aStoppedPoolTakesNoMoreFilesAndStillAccountsForTheOnesItHas() throws {
        let fixture = try FileSystemFixture()
        let names = (0..<8).map { "f\($0)" }
        for name in names { try fixture.write("hit\n", to: fixture.workdir + "/" + name) }
        let (pool, directory) = try Self.pool(fixture, "hit", workers: 1, window: 4, batchSize: 1)
        var received: [SearchPool.Outcome] = []
        for name in names.prefix(3) {
            received += pool.submit(SearchPool.Job(directory: directory, entry: Self.entry(name), path: name))
        }
        pool.stop()
        for name in names.dropFirst(3) {
            received += pool.submit(SearchPool.Job(directory: directory, entry: Self.entry(name), path: name))
        }
        received += pool.finish()
        #expect(received.map(\.job.path) == Array(names.prefix(3)))
        #expect(pool.isStopped)
    }
}

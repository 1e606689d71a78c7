import BastionSecurity
import Foundation
import Testing

@testable import BastionResources

struct SearchPoolTests {
    @Test func scansComeBackInSubmissionOrderWithABoundedWindow() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<40 {
            try fixture.write(index.isMultiple(of: 3) ? "hit\n" : "miss\n", to: fixture.workdir + "/f\(index)")
        }
        try fixture.write("hit\n", to: fixture.workdir + "/hard")
        try FileManager.default.linkItem(atPath: fixture.workdir + "/hard", toPath: fixture.workdir + "/hard2")
        let regex = try LineRegex("hit", caseSensitive: true)
        let pool = SearchPool(
            workers: 3,
            window: 4,
            batchSize: 2,
            files: fixture.manager,
            makeScanner: { ContentScanner(regex: regex, contextLines: 0, limit: 10) },
            shouldStop: { false }
        )
        let directory = try fixture.manager.open(
            try fixture.manager.authorize(".", for: .read, client: fixture.client),
            flags: O_RDONLY | O_DIRECTORY
        )
        var names = (0..<40).map { "f\($0)" }
        names.append("hard")  // hard-linked: cannot be opened for a search
        var received: [(path: String, scan: FileScan?)] = []
        for name in names {
            let entry = DirectoryReader.Entry(
                name: name,
                isValidUTF8: true,
                rawName: name.utf8.map { CChar(bitPattern: $0) } + [0],
                kind: .file
            )
            received += pool.submit(SearchPool.Job(directory: directory, entry: entry, path: name))
            let outstanding = (names.firstIndex(of: name) ?? 0) + 1 - received.count
            #expect(outstanding <= pool.window + pool.batchSize)
        }
        received += pool.finish()
        #expect(received.map(\.path) == names)
        #expect(received.last?.scan == nil)
        let hits = received.compactMap(\.scan).filter { $0.matchCount == 1 }.count
        #expect(hits == 14)
    }

    @Test func aStoppedPoolSkipsWhatIsQueued() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("hit\n", to: fixture.workdir + "/f")
        let regex = try LineRegex("hit", caseSensitive: true)
        let pool = SearchPool(
            workers: 1,
            files: fixture.manager,
            makeScanner: { ContentScanner(regex: regex, contextLines: 0, limit: 10) },
            shouldStop: { false }
        )
        let directory = try fixture.manager.open(
            try fixture.manager.authorize(".", for: .read, client: fixture.client),
            flags: O_RDONLY | O_DIRECTORY
        )
        pool.stop()
        let entry = DirectoryReader.Entry(name: "f", isValidUTF8: true, rawName: [102, 0], kind: .file)
        let received = pool.submit(SearchPool.Job(directory: directory, entry: entry, path: "f")) + pool.finish()
        #expect(received.count == 1 && received[0].scan == nil)
        #expect(pool.isStopped)
    }
}

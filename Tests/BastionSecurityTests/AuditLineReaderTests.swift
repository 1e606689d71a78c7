import Foundation
import Testing

@testable import BastionSecurity

struct AuditLineReaderTests {
    private func lines(of text: String, blockSize: Int) throws -> [(String, Bool)] {
        let scratch = try ScratchDirectory()
        let path = scratch.file("log.jsonl")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var reader = try AuditLineReader(path: path, blockSize: blockSize)
        var seen: [(String, Bool)] = []
        try reader.forEachLine { line, isTerminated in
            seen.append((String(decoding: line, as: UTF8.self), isTerminated))
            return true
        }
        return seen
    }

    @Test(arguments: [4, 7, 1 << 20])
    func linesComeBackWholeWhateverTheBlockSize(blockSize: Int) throws {
        let seen = try lines(of: "first\nsecond line\n\nlast", blockSize: blockSize)
        #expect(seen.map(\.0) == ["first", "second line", "", "last"])
        #expect(seen.map(\.1) == [true, true, true, false])
    }

    @Test func stoppingEarlyStopsTheWalk() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("log.jsonl")
        try "a\nb\nc\n".write(toFile: path, atomically: true, encoding: .utf8)
        var reader = try AuditLineReader(path: path)
        var count = 0
        try reader.forEachLine { _, _ in
            count += 1
            return count < 2
        }
        #expect(count == 2)
    }

    @Test func aMissingFileIsAnAuditError() {
        #expect(throws: AuditError.self) { _ = try AuditLineReader(path: "/nonexistent/bastion/audit.jsonl") }
    }
}

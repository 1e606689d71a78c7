import Foundation
import Testing

@testable import BastionResources

struct ContentScannerTests {
    private func scan(
        _ bytes: [UInt8],
        pattern: String,
        context: Int = 0,
        limit: Int = 100,
        shouldStop: () -> Bool = { false }
    ) throws -> FileScan {
        let scratch = try ScratchDirectory()
        let path = scratch.file("f")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let scanner = ContentScanner(
            regex: try LineRegex(pattern, caseSensitive: true),
            contextLines: context,
            limit: limit
        )
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        return scanner.scan(descriptor, size: bytes.count, shouldStop: shouldStop)
    }

    private func rendered(_ scan: FileScan) -> [String] {
        scan.lines.map { "\($0.number)\($0.isMatch ? ":" : "-")\($0.text)" }
    }

    @Test func matchesAreNumberedWithTheirContextAndCarriageReturnsRemoved() throws {
        let lines = (1...10).map { $0 == 2 || $0 == 9 ? "hit \($0)" : "line \($0)" }.joined(separator: "\r\n")
        let found = try scan(Array(lines.utf8), pattern: "hit [0-9]$", context: 1)
        #expect(rendered(found) == ["1-line 1", "2:hit 2", "3-line 3", "8-line 8", "9:hit 9", "10-line 10"])
        #expect(found.matchCount == 2)
    }

    @Test func theMatchLimitEndsTheScanAfterTheLastMatchsContext() throws {
        let found = try scan(Array(String(repeating: "x\n", count: 50).utf8), pattern: "x", context: 2, limit: 3)
        #expect(rendered(found) == ["1:x", "2:x", "3:x", "4-x", "5-x"])
    }

    @Test func aScanPastItsBudgetIsDeferredHoldingOnlyWhatFits() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("f")
        try Data(String(repeating: "hit\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let budget = ScanBudget(limit: 10 * ScanBudget.cost(of: "hit"))
        let scanner = ContentScanner(
            regex: try LineRegex("hit", caseSensitive: true),
            contextLines: 0,
            limit: 1_000,
            budget: budget
        )
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        let found = scanner.scan(descriptor)
        #expect(found.isDeferred)
        #expect(found.matchCount == 10)
        #expect(found.heldBytes == budget.heldBytes && budget.heldBytes == budget.limit)
    }

    @Test func binaryFilesAreSkipped() throws {
        let found = try scan([0, 65, 10], pattern: "A")
        #expect(found.isBinary && found.lines.isEmpty)
    }

    @Test func aLineLongerThanAChunkIsMatchedOnItsFirstChunkOnly() throws {
        let long = String(repeating: "a", count: 100_000) + "needle\nneedle\n"
        let found = try scan(Array(long.utf8), pattern: "needle")
        #expect(rendered(found) == ["2:needle"])
        let head = try scan(Array(long.utf8), pattern: "^a+")
        #expect(head.lines.map(\.number) == [1])
        #expect(head.lines.first?.text.utf8.count == ContentScanner.maximumDisplayBytes)
    }

    @Test func aLastLineWithoutNewlineAndAnEmptyFileAreHandled() throws {
        #expect(rendered(try scan(Array("a\nb".utf8), pattern: "b$")) == ["2:b"])
        #expect(try scan([], pattern: "x*").lines.isEmpty)
        // No phantom empty line after the last newline.
        #expect(rendered(try scan(Array("a\n".utf8), pattern: "^$")) == [])
        #expect(rendered(try scan(Array("a\n\nb\n".utf8), pattern: "^$")) == ["2:"])
    }

    @Test func aStopRequestEndsTheScanBetweenChunks() throws {
        let text = Array(String(repeating: "line\n", count: 100_000).utf8)
        var asked = 0
        let found = try scan(text, pattern: "line", limit: 1_000_000) {
            asked += 1
            return asked > 3
        }
        #expect(found.matchCount > 0 && found.matchCount < 100_000)
    }

    /// The block search gives what matching each line alone gives, across chunks, CRLF, invalid
    /// UTF-8 and empty lines.
    @Test(arguments: ["a", "^b", "c$", "x*", "^$", "[^a]", "\\bab", "b.?c$", "^[^c]*$"])
    func theBlockSearchAgreesWithMatchingLineByLine(pattern: String) throws {
        var generator = SplitMix(seed: 42)
        var bytes: [UInt8] = []
        while bytes.count < 200_000 {
            let length = Int(generator.next() % 12)
            for _ in 0..<length { bytes.append([UInt8]("abcx ".utf8)[Int(generator.next() % 5)]) }
            switch generator.next() % 20 {
            case 0: bytes += [0xE9, UInt8(ascii: "\n")]  // Latin-1
            case 1: bytes += Array("\r\n".utf8)
            default: bytes.append(UInt8(ascii: "\n"))
            }
        }
        let regex = try LineRegex(pattern, caseSensitive: true)
        for context in [0, 2] {
            let found = try scan(bytes, pattern: pattern, context: context, limit: 1_000_000)
            #expect(found == Self.reference(bytes, regex: regex, context: context), "pattern \(pattern)")
        }
    }

    /// grep -n -C N, one line at a time.
    private static func reference(_ bytes: [UInt8], regex: LineRegex, context: Int) -> FileScan {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : Array($0)
        }
        if bytes.last == UInt8(ascii: "\n") { lines.removeLast() }
        let isMatch = lines.map { line in
            line.withUnsafeBytes { regex.matches($0, isUTF8: LineRegex.isValidUTF8($0)) }
        }
        var result = FileScan()
        for (index, line) in lines.enumerated() {
            let near = (max(0, index - context)...min(lines.count - 1, index + context)).contains { isMatch[$0] }
            guard near else { continue }
            result.lines.append(
                FileScan.Line(number: index + 1, text: String(decoding: line, as: UTF8.self), isMatch: isMatch[index])
            )
            if isMatch[index] { result.matchCount += 1 }
        }
        return result
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

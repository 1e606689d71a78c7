import BastionProtocol
import Foundation
import Testing

@testable import BastionSecurity

struct AuditVerifierTests {
    /// A log of `count` records written (and flushed, so the head exists) by the logger.
    private func makeLog(_ scratch: borrowing ScratchDirectory, count: Int = 5) throws -> String {
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .none)
        for index in 0..<count { logger.record(AuditEntry(event: "request", fields: ["n": .int(Int64(index))])) }
        logger.flush()
        return logger.path
    }

    private func rewrite(_ path: String, _ change: (inout [String]) -> Void) throws {
        var lines = try ScratchDirectory.lines(of: path)
        change(&lines)
        try lines.map { $0 + "\n" }.joined().write(toFile: path, atomically: false, encoding: .utf8)
    }

    private func failure(_ path: String) throws -> AuditVerification.Failure {
        try #require(try AuditVerifier.verify(path: path).failure)
    }

    @Test func aLogWrittenByTheLoggerIsIntact() throws {
        let scratch = try ScratchDirectory()
        let result = try AuditVerifier.verify(path: try makeLog(scratch))
        #expect(result.isIntact)
        #expect(result.recordCount == 5)
        #expect(result.lastSequence == 5)
        #expect(result.warnings.isEmpty)
    }

    @Test func anEmptyLogWithoutHeadIsIntact() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        try "".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try AuditVerifier.verify(path: path).recordCount == 0)
        #expect(try AuditVerifier.verify(path: path).isIntact)
    }

    @Test func anEditedValueIsCaughtAtItsLine() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { $0[2] = $0[2].replacingOccurrences(of: #""n":2"#, with: #""n":7"#) }
        #expect(
            try failure(path)
                == .init(line: 3, sequence: 3, reason: "hash does not match the record's content (record edited)")
        )
    }

    @Test func aBrokenLineIsCaught() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { $0[1] = String($0[1].dropFirst()) }
        #expect(try failure(path) == .init(line: 2, sequence: nil, reason: "not a JSON object"))
    }

    @Test func aDeletedRecordIsCaught() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { $0.remove(at: 1) }
        let failure = try failure(path)
        #expect(failure.line == 2 && failure.sequence == 3)
        #expect(failure.reason.contains("expected seq 2"))
    }

    @Test func deletingTheFirstRecordIsCaught() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { $0.removeFirst() }
        #expect(try failure(path).line == 1)
    }

    @Test func swappedRecordsAreCaught() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { $0.swapAt(1, 2) }
        #expect(try failure(path).line == 2)
    }

    @Test func anInsertedCopyIsCaught() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { $0.insert($0[1], at: 2) }
        let failure = try failure(path)
        #expect(failure.line == 3 && failure.sequence == 2)
    }

    @Test func aRenumberedRecordWithAFreshHashStillBreaksTheChain() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { lines in
            // Forge line 2 into a well-formed record that does not point at line 1.
            var members = AuditCanonicalForm.encode([
                "seq": 2, "event": "forged", "prev": .string(AuditCanonicalForm.genesisHash),
            ])
            let hash = AuditCanonicalForm.hash(members)
            members = AuditCanonicalForm.line(canonical: members, hash: hash).dropLast()
            lines[1] = String(decoding: members, as: UTF8.self)
        }
        let failure = try failure(path)
        #expect(failure.line == 2 && failure.reason.contains("prev does not match"))
    }

    @Test func aTruncatedTailIsCaughtThroughTheHead() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) { $0.removeLast() }
        let failure = try failure(path)
        #expect(failure.line == 5 && failure.sequence == 5)
        #expect(failure.reason.contains("truncated"))
    }

    @Test func withoutAHeadATruncatedTailIsNotDetectable() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try FileManager.default.removeItem(atPath: AuditChainHead.path(for: path))
        try rewrite(path) { $0.removeLast() }
        #expect(try AuditVerifier.verify(path: path).recordCount == 4)
    }

    @Test func aHeadThatDisagreesWithItsRecordIsCaught() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        AuditChainHead(sequence: 3, hash: String(repeating: "1", count: 64)).write(to: AuditChainHead.path(for: path))
        #expect(try failure(path) == .init(line: 3, sequence: 3, reason: "hash differs from the head file's"))
    }

    @Test func aTornLastLineIsIgnoredWithAWarning() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":6,"ev"#.utf8))
        try handle.close()
        let result = try AuditVerifier.verify(path: path)
        #expect(result.isIntact && result.recordCount == 5)
        #expect(result.warnings == ["line 6: last line has no line feed (a write cut short); ignored"])
    }

    /// Appends a torn record (no line feed), as a crash or a full disk leaves it.
    private func appendFragment(to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"args":{"content":"xxxx","path":"f"#.utf8))
        try handle.close()
    }

    @Test func aTornRecordFollowedByTheWritersRecoveryIsIgnoredWithAWarning() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try appendFragment(to: path)
        // The next writer finds the torn tail and records that first (`AuditWriter`).
        let logger = try AuditLogger(path: path, policy: .none)
        #expect(logger.record(AuditEntry(event: "after")) == 7)
        logger.flush()
        let lines = try ScratchDirectory.lines(of: path)
        #expect(try JSONParser.parse(lines[6])["event"] == "audit-recovered")
        let result = try AuditVerifier.verify(path: path)
        #expect(result.isIntact && result.recordCount == 7)
        #expect(
            result.warnings == [
                "line 6: a torn record (a write cut short), followed by an audit-recovered record; ignored"
            ]
        )
    }

    @Test func aTornRecordFollowedByAnythingElseIsABadRecord() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        let fragment = #"{"args":{"content":"xxxx","path":"f"#
        try rewrite(path) { $0.append(fragment) }  // the fragment is the last line
        #expect(try failure(path) == .init(line: 6, sequence: nil, reason: "not a JSON object"))
        try rewrite(path) { $0.append($0[4]) }  // then an ordinary record
        #expect(
            try failure(path)
                == .init(
                    line: 6,
                    sequence: nil,
                    reason: "not a JSON object (a torn record not followed by audit-recovered)"
                )
        )
    }

    @Test func twoTornRecordsInARowAreABadRecord() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        try rewrite(path) {
            $0.insert(#"{"seq":"#, at: 5)
            $0.insert(#"{"ev"#, at: 5)
        }
        #expect(try failure(path) == .init(line: 7, sequence: nil, reason: "not a JSON object"))
    }

    @Test func aTailCutMidRecordIsCaughtAtThatLineThroughTheHead() throws {
        let scratch = try ScratchDirectory()
        let path = try makeLog(scratch)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try String(text.dropLast(20)).write(toFile: path, atomically: false, encoding: .utf8)
        let result = try AuditVerifier.verify(path: path)
        #expect(result.failure?.line == 5 && result.failure?.sequence == 5)
        #expect(result.warnings.count == 1)
    }

    @Test func aMissingFileThrows() throws {
        let scratch = try ScratchDirectory()
        #expect(throws: AuditError.self) { try AuditVerifier.verify(path: scratch.file("none.jsonl")) }
    }

    @Test func linesLongerThanTheReadBlockAreChecked() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .none)
        let long = JSONValue.array((0..<30).map { .string(String(repeating: "x", count: 250) + "\($0)") })
        for _ in 0..<3 { logger.record(AuditEntry(event: "big", fields: ["list": long])) }
        var reader = try AuditLineReader(path: logger.path, blockSize: 64)
        var checker = AuditChainChecker(head: nil)
        try reader.forEachLine { checker.check($0, isTerminated: $1) }
        #expect(checker.finish().recordCount == 3)
    }
}

import BastionProtocol
import Foundation
import Testing

@testable import BastionSecurity

struct AuditLoggerTests {
    /// Every line of the file, parsed.
    private func records(_ path: String) throws -> [JSONValue] {
        try ScratchDirectory.lines(of: path).map { try JSONParser.parse($0) }
    }

    @Test func recordsAreJSONLinesWithIncreasingSequenceNumbers() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .none)
        #expect(logger.record(AuditEntry(event: "start", client: "local")) == 1)
        #expect(logger.record(AuditEntry(event: "request", method: "tools/list", requestID: 1)) == 2)
        #expect(logger.record(AuditEntry(event: "stop")) == 3)

        let lines = try records(logger.path)
        #expect(lines.map { $0["seq"] } == [1, 2, 3])
        #expect(lines.map { $0["event"] } == ["start", "request", "stop"])
        #expect(lines[0]["client"] == "local")
        #expect(lines[1]["method"] == "tools/list")
        #expect(lines[1]["id"] == 1)
        for line in lines {
            let stamp = try #require(line["ts"]?.stringValue)
            #expect(stamp.count == 27 && stamp.hasSuffix("Z"))
        }
    }

    @Test func everyRecordNamesTheNodeAndStillVerifies() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .none, node: "replica-1")
        logger.record(AuditEntry(event: "start"))
        // An entry cannot name another node.
        logger.record(AuditEntry(event: "request", fields: ["node": "forged"]))
        logger.flush()
        let lines = try records(logger.path)
        #expect(lines.map { $0["node"] } == ["replica-1", "replica-1"])
        #expect(try AuditVerifier.verify(path: logger.path).isIntact)
        let plain = try AuditLogger(path: scratch.file("plain.jsonl"), policy: .none)
        plain.record(AuditEntry(event: "start"))
        plain.flush()
        #expect(try records(plain.path).first?["node"] == nil)
    }

    @Test func theFileIsCreatedWithMode0600() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .batch)
        logger.record(AuditEntry(event: "start"))
        #expect(ScratchDirectory.mode(of: logger.path) == 0o600)
    }

    /// 0700, or 0711 as root (the run_as user must reach the workdirs beside the log).
    @Test func missingParentsAreCreatedPrivate() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("state/bastion/audit.jsonl")
        _ = try AuditLogger(path: path, policy: .none)
        let expected: mode_t = geteuid() == 0 ? 0o711 : 0o700
        #expect(ScratchDirectory.mode(of: scratch.file("state")) == expected)
        #expect(ScratchDirectory.mode(of: scratch.file("state/bastion")) == expected)
        #expect(ScratchDirectory.mode(of: path) == 0o600)
    }

    @Test func anExistingFileIsAppendedToNeverRewritten() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        try "{\"seq\":1,\"event\":\"old\"}\n".write(toFile: path, atomically: false, encoding: .utf8)
        let logger = try AuditLogger(path: path, policy: .none)
        logger.record(AuditEntry(event: "new"))
        #expect(try records(path).map { $0["event"] } == ["old", "new"])
        #expect(try records(path).map { $0["seq"] } == [1, 2])
    }

    @Test func recordsAreChainedBySHA256OfTheirCanonicalForm() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .none)
        for event in ["start", "request", "stop"] { logger.record(AuditEntry(event: event)) }
        var previous = AuditCanonicalForm.genesisHash
        for case .object(let record) in try records(logger.path) {
            #expect(record["prev"] == .string(previous))
            let hash = try #require(record["hash"]?.stringValue)
            #expect(hash == AuditCanonicalForm.hash(AuditCanonicalForm.encode(record)))
            previous = hash
        }
    }

    @Test func aNewLoggerContinuesTheChainOfTheFile() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        try AuditLogger(path: path, policy: .none).record(AuditEntry(event: "first run"))
        #expect(try AuditLogger(path: path, policy: .none).record(AuditEntry(event: "second run")) == 2)
        #expect(try AuditVerifier.verify(path: path).recordCount == 2)
    }

    @Test func aTornLastLineIsClosedBeforeTheNextRecord() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        try AuditLogger(path: path, policy: .none).record(AuditEntry(event: "before"))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":2,"to"#.utf8))
        try handle.close()
        // First a record that says the log was torn, then the record itself.
        #expect(try AuditLogger(path: path, policy: .none).record(AuditEntry(event: "after")) == 3)
        let lines = try ScratchDirectory.lines(of: path)
        #expect(lines.count == 4 && lines[1] == #"{"seq":2,"to"#)
        #expect(try JSONParser.parse(lines[2])["event"] == "audit-recovered")
        #expect(try JSONParser.parse(lines[3])["event"] == "after")
        #expect(try AuditVerifier.verify(path: path).isIntact)
    }

    @Test func flushWritesTheHeadOfTheChain() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .batch)
        logger.record(AuditEntry(event: "a"))
        logger.record(AuditEntry(event: "b"))
        logger.flush()
        let head = try #require(try AuditChainHead.read(from: logger.headPath))
        let last = try #require(try records(logger.path).last)
        #expect(head.sequence == 2 && last["hash"] == .string(head.hash))
        #expect(ScratchDirectory.mode(of: logger.headPath) == 0o600)
    }

    @Test(arguments: AuditSyncPolicy.allCases)
    func aCommitCycleWritesTheHeadOfEveryRecordSoFar(policy: AuditSyncPolicy) throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: policy)
        logger.record(AuditEntry(event: "a"))
        logger.record(AuditEntry(event: "b"))
        logger.commitNow()
        let head = try #require(try AuditChainHead.read(from: logger.headPath))
        #expect(head.sequence >= 2)
        #expect(try records(logger.path).last?["hash"] == .string(head.hash))
    }

    @Test func anOlderHeadNeverReplacesANewerOne() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .none)
        logger.record(AuditEntry(event: "a"))
        let newer = AuditChainHead(sequence: 50, hash: String(repeating: "a", count: 64))
        newer.write(to: logger.headPath)
        logger.flush()
        #expect(try AuditChainHead.read(from: logger.headPath) == newer)
    }

    @Test func twoLoggersOnOneFileInterleaveWholeLines() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let first = try AuditLogger(path: path, policy: .none)
        let second = try AuditLogger(path: path, policy: .none)
        let payload = JSONValue.string(String(repeating: "p", count: 200))
        await withTaskGroup(of: Void.self) { group in
            for (name, logger) in [("first", first), ("second", second)] {
                group.addTask {
                    for _ in 0..<200 { logger.record(AuditEntry(event: name, fields: ["payload": payload])) }
                }
            }
        }
        let lines = try records(path)
        #expect(lines.count == 400)
        // One chain across both writers: seq runs 1...400 in file order, and verify accepts it.
        #expect(lines.compactMap { $0["seq"]?.intValue } == Array(1...400))
        for name in ["first", "second"] {
            let sequence = lines.filter { $0["event"] == .string(name) }.compactMap { $0["seq"]?.intValue }
            #expect(sequence == sequence.sorted() && sequence.count == 200, "records of the \(name) logger")
        }
        #expect(lines.allSatisfy { $0["payload"] == payload })
        #expect(try AuditVerifier.verify(path: path).isIntact)
    }

    @Test func concurrentRecordsAreAllPresentAndInSequenceOrder() async throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .batch)
        let returned = await withTaskGroup(of: Int64?.self, returning: [Int64].self) { group in
            for index in 0..<100 {
                group.addTask { logger.record(AuditEntry(event: "request", fields: ["n": .int(Int64(index))])) }
            }
            return await group.reduce(into: []) { if let sequence = $1 { $0.append(sequence) } }
        }
        #expect(returned.sorted() == Array(1...100))
        let lines = try records(logger.path)
        #expect(lines.compactMap { $0["seq"]?.intValue } == Array(1...100))
        #expect(Set(lines.compactMap { $0["n"]?.intValue }) == Set(0..<100))
    }

    @Test(arguments: AuditSyncPolicy.allCases)
    func everyPolicyWritesAndFlushes(policy: AuditSyncPolicy) throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: policy)
        logger.record(AuditEntry(event: "a"))
        logger.flush()
        logger.record(AuditEntry(event: "b"))
        logger.flush()
        logger.flush()
        #expect(try records(logger.path).map { $0["event"] } == ["a", "b"])
    }

    @Test func aPathUnderARegularFileIsRefusedNamingThePath() throws {
        let scratch = try ScratchDirectory()
        let blocker = scratch.file("blocker")
        try "x".write(toFile: blocker, atomically: false, encoding: .utf8)
        let path = blocker + "/audit.jsonl"
        let error = try #require(throws: AuditError.self) { try AuditLogger(path: path, policy: .none) }
        #expect(error.message.contains(path))
    }

    @Test func aSymbolicLinkIsNotFollowed() throws {
        let scratch = try ScratchDirectory()
        let target = scratch.file("elsewhere.txt")
        try "keep\n".write(toFile: target, atomically: false, encoding: .utf8)
        let link = scratch.file("audit.jsonl")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: AuditError.self) { try AuditLogger(path: link, policy: .none) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep\n")
    }

    @Test
    func fieldsNamedSeqTsPrevOrHashCannotForgeTheChain() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("audit.jsonl"), policy: .none)
        logger.record(
            AuditEntry(
                event: "request",
                fields: ["seq": 999, "ts": "1970-01-01T00:00:00.000000Z", "prev": "x", "hash": "y"]
            )
        )
        #expect(try AuditVerifier.verify(path: logger.path).isIntact)
        let lines = try ScratchDirectory.lines(of: logger.path)
        let record = try #require(lines.first.flatMap { try? JSONParser.parse($0) }, "line: \(lines)")
        #expect(record["seq"] == 1)
        #expect(record["ts"] != "1970-01-01T00:00:00.000000Z")
    }

    @Test func thePathIsKept() throws {
        let scratch = try ScratchDirectory()
        let logger = try AuditLogger(path: scratch.file("a.jsonl"), policy: .none)
        #expect(logger.path == scratch.file("a.jsonl"))
    }
}

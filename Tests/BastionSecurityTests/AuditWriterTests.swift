import BastionProtocol
import Foundation
import Testing

@testable import BastionSecurity

/// Fail-closed behaviour of the audit log (``AuditWriter``), through ``AuditLogger``.
struct AuditWriterTests {
    private func records(_ path: String) throws -> [JSONValue] {
        try ScratchDirectory.lines(of: path).map { try JSONParser.parse($0) }
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : -1
    }

    @Test func aFullDiskMakesTheLogUnhealthyAndRecordReturnsNil() throws {
        // /dev/full accepts the open and fails every write with ENOSPC.
        let logger = try AuditLogger(path: "/dev/full", policy: .batch)
        #expect(logger.isHealthy)
        #expect(logger.record(AuditEntry(event: "request")) == nil)
        #expect(!logger.isHealthy)
        let failure = try #require(logger.failure)
        #expect(failure.message.contains("No space left on device"))
        #expect(logger.retry() != nil)
        #expect(!logger.isHealthy)
    }

    @Test func aLogThatCanBeWrittenAgainRecoversWithARecordOfTheLoss() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let logger = try AuditLogger(path: path, policy: .none)
        #expect(logger.record(AuditEntry(event: "before")) == 1)
        // The file is deleted and a directory takes its path: the record can go neither to the
        // deleted file (detected: no link left) nor to a new one.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(logger.record(AuditEntry(event: "lost")) == nil)
        #expect(logger.retry() != nil)
        try FileManager.default.removeItem(atPath: path)
        #expect(logger.retry() == nil)
        #expect(logger.isHealthy && logger.failure == nil)
        #expect(logger.record(AuditEntry(event: "after")) != nil)
        let lines = try records(path)
        #expect(lines.map { $0["event"] } == ["rotate", "audit-recovered", "after"])
        #expect(lines[0]["reason"] == "reopened")
        #expect(lines[1]["lost"] == 1)
        // The new file continues the chain of the deleted one.
        #expect(lines[0]["seq"] == 2)
        let verification = try AuditVerifier.verify(path: path)
        #expect(verification.isIntact && verification.continuedSequence == 1)
    }
}

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

    /// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN): tried once on a probe.
    private static let canMountTmpfs: Bool = {
        var template = Array("/tmp/bastion-mount-probe.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { return false }
        let probe = String(cString: created)
        defer { rmdir(probe) }
        guard mount("tmpfs", probe, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount2(probe, Int32(MNT_DETACH))
        return true
    }()

    @Test(.enabled(if: canMountTmpfs, "mounting a small tmpfs needs root with CAP_SYS_ADMIN"))
    func aWriteCutShortByAFullDiskIsTruncatedBackToTheLastWholeRecord() throws {
        let scratch = try ScratchDirectory()
        let disk = scratch.file("small")
        #expect(mkdir(disk, 0o700) == 0)
        try #require(mount("tmpfs", disk, "tmpfs", 0, "size=64k,mode=0700") == 0)
        defer { umount2(disk, Int32(MNT_DETACH)) }
        let path = disk + "/audit.jsonl"
        let logger = try AuditLogger(path: path, policy: .none)
        #expect(logger.record(AuditEntry(event: "before")) == 1)
        // Fill the file system, then write a record larger than what is left of the log's last page.
        let filler = disk + "/filler"
        let descriptor = open(filler, O_WRONLY | O_CREAT, 0o600)
        var block = [UInt8](repeating: 0x61, count: 4096)
        while block.withUnsafeMutableBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        close(descriptor)
        let sizeBefore = fileSize(path)
        let large = AuditEntry(event: "large", fields: ["text": .string(String(repeating: "x", count: 20_000))])
        #expect(logger.record(large) == nil)
        #expect(logger.failure?.message.contains("No space left on device") == true)
        #expect(fileSize(path) == sizeBefore)  // no fragment left behind
        unlink(filler)
        #expect(logger.retry() == nil)
        #expect(logger.record(AuditEntry(event: "after")) != nil)
        #expect(try records(path).map { $0["event"] } == ["before", "audit-recovered", "after"])
        let verification = try AuditVerifier.verify(path: path)
        #expect(verification.isIntact && verification.warnings.isEmpty)
    }
}

import BastionProtocol
import Foundation
import Testing

@testable import BastionSecurity

/// Rotation of the audit log (``AuditWriter/rotate(_:)``), through ``AuditLogger``.
struct AuditWriterRotationTests {
    private func records(_ path: String) throws -> [JSONValue] {
        try ScratchDirectory.lines(of: path).map { try JSONParser.parse($0) }
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : -1
    }

    @Test func aRecordThatWouldPassTheSizeRotatesTheFileAndTheChainContinues() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let logger = try AuditLogger(path: path, policy: .batch, rotation: AuditRotation(maxBytes: 4096, keep: 2))
        let payload = JSONValue.string(String(repeating: "x", count: 200))
        for index in 0..<60 {
            logger.record(AuditEntry(event: "request", fields: ["n": .int(Int64(index)), "p": payload]))
        }
        logger.flush()
        let rotated = [2, 1].map { AuditRotation.rotatedPath(path, index: $0) }
        #expect(FileManager.default.fileExists(atPath: rotated[0]))
        #expect(!FileManager.default.fileExists(atPath: AuditRotation.rotatedPath(path, index: 3)))
        for file in rotated + [path] { #expect(fileSize(file) <= 4096, "\(file)") }
        #expect(ScratchDirectory.mode(of: rotated[1]) == 0o400)
        #expect(ScratchDirectory.mode(of: path) == 0o600)
        let current = try records(path)
        #expect(current.first?["event"] == "rotate")
        #expect(current.first?["rotated_from"] == "audit.jsonl.1")
        #expect(current.first?["prev"] == (try records(rotated[1])).last?["hash"])
        let results = AuditVerifier.verify(paths: rotated + [path]).map { try? $0.get() }
        #expect(results.allSatisfy { $0?.isIntact == true })
        #expect(current.last?["n"] == 59)
        #expect(try AuditChainHead.read(from: logger.headPath)?.hash == current.last?["hash"]?.stringValue)
    }

    @Test func aSecondProcessSharingTheFileFollowsTheRotation() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let rotation = AuditRotation(maxBytes: 4096, keep: 5)
        let first = try AuditLogger(path: path, policy: .none, rotation: rotation)
        let second = try AuditLogger(path: path, policy: .none, rotation: rotation)
        let payload = JSONValue.string(String(repeating: "y", count: 200))
        for index in 0..<40 {
            let logger = index % 3 == 0 ? second : first
            #expect(
                logger.record(AuditEntry(event: "request", fields: ["n": .int(Int64(index)), "p": payload])) != nil
            )
        }
        let files =
            (1...5).reversed().map { AuditRotation.rotatedPath(path, index: $0) }
            .filter { FileManager.default.fileExists(atPath: $0) } + [path]
        #expect(files.count >= 3)
        let all = try files.flatMap { try records($0) }
        // One chain: 40 requests plus one rotate record per new file, numbered without a gap.
        #expect(all.filter { $0["event"] == "request" }.count == 40)
        #expect(all.compactMap { $0["seq"]?.intValue } == Array(1...Int64(all.count)))
        let results = AuditVerifier.verify(paths: files)
        #expect(results.allSatisfy { (try? $0.get())?.isIntact == true })
    }

    @Test func withoutRotationTheFileJustGrows() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        let logger = try AuditLogger(path: path, policy: .none, rotation: .never)
        let payload = JSONValue.string(String(repeating: "z", count: 250))
        for _ in 0..<40 { logger.record(AuditEntry(event: "request", fields: ["p": payload])) }
        #expect(fileSize(path) > 8192)
        #expect(!FileManager.default.fileExists(atPath: AuditRotation.rotatedPath(path, index: 1)))
    }

    @Test func aRotationThatCannotMakeItsNewFileLeavesTheChainInTheOldOne() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("audit.jsonl")
        // The temporary name the rotation would use is taken by a directory.
        try FileManager.default.createDirectory(
            atPath: "\(path).\(getpid()).rotating",
            withIntermediateDirectories: false
        )
        let logger = try AuditLogger(path: path, policy: .none, rotation: AuditRotation(maxBytes: 4096, keep: 2))
        let payload = JSONValue.string(String(repeating: "w", count: 200))
        for index in 0..<30 {
            #expect(
                logger.record(AuditEntry(event: "request", fields: ["n": .int(Int64(index)), "p": payload])) != nil
            )
        }
        #expect(!FileManager.default.fileExists(atPath: AuditRotation.rotatedPath(path, index: 1)))
        #expect(fileSize(path) > 4096)
        let verification = try AuditVerifier.verify(path: path)
        #expect(verification.isIntact && verification.lastSequence == 30)
        #expect(logger.isHealthy)
    }
}

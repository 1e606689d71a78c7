import ArgumentParser
import BastionProtocol
import BastionSecurity
import Foundation
import Testing

@testable import bastion

struct AuditCommandTests {
    /// Runs `bastion serve` once with end of input at once: the log gets its start and stop records.
    private func makeLog(home: String) async throws -> String {
        let output = try await BastionBinary.run(["serve"], home: home)
        #expect(output.status == 0)
        return home + "/state/bastion/audit.jsonl"
    }

    @Test func anIntactLogExitsZeroAndCountsRecords() async throws {
        let scratch = try ScratchDirectory()
        let log = try await makeLog(home: scratch.path)
        let output = try await BastionBinary.run(["audit", "verify", log], home: scratch.path)
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("\(log): "))
        #expect(output.stdout.hasSuffix(" records, chain intact\n"))
    }

    @Test func anEditedLogExitsOneNamingTheLine() async throws {
        let scratch = try ScratchDirectory()
        let log = try await makeLog(home: scratch.path)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        try text.replacingOccurrences(of: #""event":"start""#, with: #""event":"stort""#)
            .write(toFile: log, atomically: false, encoding: .utf8)
        let output = try await BastionBinary.run(["audit", "verify", log], home: scratch.path)
        #expect(output.status == 1)
        #expect(output.stdout.hasPrefix("\(log):1: record seq 1: hash does not match"))
    }

    @Test func everyFileIsCheckedAndAMissingOneFails() async throws {
        let scratch = try ScratchDirectory()
        let log = try await makeLog(home: scratch.path)
        let missing = scratch.file("missing.jsonl")
        let output = try await BastionBinary.run(["audit", "verify", missing, log], home: scratch.path)
        #expect(output.status == 1)
        #expect(output.stderr.contains(missing))
        #expect(output.stdout.contains("\(log): "))
    }

    /// The three files left of one chain (older ones deleted): `audit.jsonl.2`, `audit.jsonl.1` and
    /// `audit.jsonl`, oldest first.
    private func makeRotatedLogs(_ scratch: borrowing ScratchDirectory) throws -> [String] {
        let path = scratch.file("audit.jsonl")
        let logger = try AuditLogger(path: path, policy: .none, rotation: AuditRotation(maxBytes: 4096, keep: 2))
        let payload = String(repeating: "p", count: 300)
        for index in 0..<24 {
            logger.record(AuditEntry(event: "request", fields: ["n": .int(Int64(index)), "p": .string(payload)]))
        }
        logger.flush()
        let files = [2, 1].map { AuditRotation.rotatedPath(path, index: $0) } + [path]
        #expect(files.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        #expect(!FileManager.default.fileExists(atPath: AuditRotation.rotatedPath(path, index: 3)))
        return files
    }

    @Test func rotatedFilesGivenOldestFirstVerifyAsOneChain() async throws {
        let scratch = try ScratchDirectory()
        let files = try makeRotatedLogs(scratch)
        let output = try await BastionBinary.run(["audit", "verify"] + files, home: scratch.path)
        #expect(output.status == 0)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // The oldest kept file itself continues a deleted one.
        #expect(
            lines[0].hasPrefix("\(files[0]): ")
                && lines[0].contains(" records, chain intact (continues a chain from seq ")
        )
        #expect(
            lines[1].hasPrefix("\(files[1]): ") && lines[1].contains("chain intact (continues \(files[0]) from seq ")
        )
        #expect(lines[2].contains("chain intact (continues \(files[1]) from seq "))
    }

    @Test func aContinuationFileAloneIsIntactAndSaysWhereItContinuesFrom() async throws {
        let scratch = try ScratchDirectory()
        let files = try makeRotatedLogs(scratch)
        let output = try await BastionBinary.run(["audit", "verify", files[1]], home: scratch.path)
        #expect(output.status == 0)
        #expect(output.stdout.contains("chain intact (continues a chain from seq "))
    }

    @Test func aMissingMiddleFileBreaksTheContinuity() async throws {
        let scratch = try ScratchDirectory()
        let files = try makeRotatedLogs(scratch)
        let output = try await BastionBinary.run(["audit", "verify", files[0], files[2]], home: scratch.path)
        #expect(output.status == 1)
        #expect(output.stdout.contains("\(files[2]):1: record seq "))
        #expect(output.stdout.contains("(record deleted, inserted or reordered)"))
    }

    @Test func theSubcommandIsDeclared() {
        #expect(AuditCommand.configuration.subcommands.map { $0.configuration.commandName } == ["verify"])
    }
}

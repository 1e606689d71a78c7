import ArgumentParser
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

    @Test func theSubcommandIsDeclared() {
        #expect(AuditCommand.configuration.subcommands.map { $0.configuration.commandName } == ["verify"])
    }
}

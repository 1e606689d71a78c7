import ArgumentParser
import Foundation
import Testing

@testable import bastion

struct BastionCommandTests {
    @Test func versionPrintsTheServerVersion() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["--version"], home: scratch.path)
        #expect(output.status == 0)
        #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test func helpListsTheSubcommands() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["--help"], home: scratch.path)
        #expect(output.status == 0)
        #expect(output.stdout.contains("serve"))
        #expect(output.stdout.contains("check-config"))
        #expect(output.stdout.contains("secure MCP server"))
    }

    @Test func anUnknownSubcommandFails() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["frobnicate"], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("frobnicate"))
    }

    @Test func theCommandDeclaresItsSubcommands() {
        let configuration = BastionCommand.configuration
        #expect(configuration.commandName == "bastion")
        #expect(configuration.version == "0.1.0")
        let names = configuration.subcommands.map { $0.configuration.commandName }
        #expect(names == ["serve", "check-config", "audit", "approve", "sandbox-check", "certs", "token"])
    }
}

import ArgumentParser
import Foundation
import Testing

@testable import bastion

struct ApproveCommandTests {
    @Test func listWithNoServersSaysSoAndSucceeds() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["approve", "list"], home: scratch.path)
        #expect(output.status == 0)
        #expect(output.stdout == "No pending approvals.\n")
        let json = try await BastionBinary.run(["approve", "list", "--json"], home: scratch.path)
        #expect(json.status == 0)
        #expect(json.stdout == "[]\n")
    }

    @Test(arguments: [["allow", "k3f9qa"], ["deny", "k3f9qa", "--reason", "no"], ["show", "k3f9qa"]])
    func anUnknownIDFailsWithAClearMessage(arguments: [String]) async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["approve"] + arguments, home: scratch.path)
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("no pending approval k3f9qa (unknown, already answered or expired)"))
    }

    @Test func aMissingIDIsAUsageError() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["approve", "allow"], home: scratch.path)
        #expect(output.status == 64)
        #expect(output.stderr.contains("Missing expected argument"))
    }

    @Test func theSubcommandsAreRegistered() {
        #expect(BastionCommand.configuration.subcommands.contains { $0 == ApproveCommand.self })
        #expect(
            ApproveCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" } == [
                "list", "show", "allow", "deny",
            ]
        )
    }
}

import ArgumentParser
import Foundation
import Testing

@testable import bastion

struct CheckConfigCommandTests {
    static let goodConfiguration = """
        [server]
        audit_log = "/var/tmp/bastion-check/audit.jsonl"
        page_size = 20

        [[clients]]
        id = "claude"
        workdir = "/var/tmp/bastion-check/claude"
        permissions = ["file_read", "system_command:git"]
        """

    @Test func aGoodFileIsPrintedAsTheEffectiveTOML() async throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write(Self.goodConfiguration, to: "bastion.toml")
        let output = try await BastionBinary.run(["check-config", file], home: scratch.path)
        #expect(output.status == 0)
        // The one warning: git runs what its arguments say (review 4, finding 6).
        #expect(output.stderr.hasPrefix("bastion: warning: client \"claude\": system_command:git"))
        #expect(output.stderr.split(separator: "\n").count == 1)
        #expect(output.stdout.contains("[server]"))
        #expect(output.stdout.contains("page_size = 20"))
        #expect(output.stdout.contains("[[clients]]"))
        #expect(output.stdout.contains(#"id = "claude""#))
        #expect(output.stdout.contains(#""system_command:git""#))
        #expect(output.stdout.contains(#"audit_log = "/var/tmp/bastion-check/audit.jsonl""#))
    }

    @Test func theOutputIsItselfAValidConfiguration() async throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write(Self.goodConfiguration, to: "bastion.toml")
        let first = try await BastionBinary.run(["check-config", file], home: scratch.path)
        let rendered = try scratch.write(first.stdout, to: "rendered.toml")
        let second = try await BastionBinary.run(["check-config", rendered], home: scratch.path)
        #expect(second.status == 0)
        #expect(second.stdout == first.stdout)
    }

    @Test func aCustomPermissionNoModuleDeclaresIsRefusedWithItsLine() async throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write(
            Self.goodConfiguration.replacingOccurrences(of: "system_command:git", with: "custom:git.push"),
            to: "bastion.toml"
        )
        let output = try await BastionBinary.run(["check-config", file], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("bastion.toml:8:"))
        #expect(output.stderr.contains(#"clients[0].permissions[1]: unknown permission "custom:git.push""#))
    }

    @Test func aBadFileFailsWithFileAndLineOnStderr() async throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write(
            "[server]\nname = \"x\"\nbogus_key = 1\n\n[[clients]]\nid = \"a\"\n",
            to: "bad.toml"
        )
        let output = try await BastionBinary.run(["check-config", file], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("\(file):3"))
        #expect(output.stderr.contains("bogus_key"))
        #expect(output.stdout.isEmpty)
    }

    @Test func aSyntaxErrorNamesItsLine() async throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("[[clients]]\nid = \"a\"\npermissions = [\n", to: "broken.toml")
        let output = try await BastionBinary.run(["check-config", file], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains(file + ":"))
    }

    @Test func aMissingArgumentIsAUsageError() async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["check-config"], home: scratch.path)
        #expect(output.status != 0)
        #expect(output.stderr.contains("<file>"))
    }

    @Test func theCommandIsNamedCheckConfig() {
        #expect(CheckConfigCommand.configuration.commandName == "check-config")
    }
}

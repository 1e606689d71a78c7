import Foundation
import Testing

@testable import bastion

/// `bastion certs init` run as a person would (CertsInitCommand.swift).
struct CertsInitCommandTests {
    @Test func initWritesEveryFileAndRefusesToOverwrite() async throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + "/certs"
        let output = try await BastionBinary.run(
            ["certs", "init", directory, "--client", "claude", "--host", "mcp.example.com"],
            home: scratch.path
        )
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("client-claude.pem"))
        for name in ["ca.pem", "ca.key", "server.pem", "server.key", "client-claude.pem", "client-claude.key"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name)")
        }
        let again = try await BastionBinary.run(["certs", "init", directory], home: scratch.path)
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists already"))
    }

    @Test(arguments: ["", "a/b", "with space"])
    func aClientIDThatCannotNameAFileIsRefused(id: String) async throws {
        let scratch = try ScratchDirectory()
        let output = try await BastionBinary.run(["certs", "init", scratch.path + "/c", "--client", id], home: scratch.path)
        #expect(output.status != 0)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/c"))
    }
}

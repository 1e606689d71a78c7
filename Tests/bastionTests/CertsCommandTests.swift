import ArgumentParser
import Testing

@testable import bastion

/// `bastion certs` (CertsCommand.swift).
struct CertsCommandTests {
    @Test func certsGroupsInit() {
        #expect(CertsCommand.configuration.commandName == "certs")
        #expect(CertsCommand.configuration.subcommands.map { $0.configuration.commandName } == ["init"])
    }
}

import ArgumentParser
import Bastion

/// `bastion`: the command-line entry point (started from `main.swift`, after the
/// `sandbox-exec` fast path).
struct BastionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bastion",
        abstract: "A secure MCP server: lets AI clients work on this computer under your rules.",
        discussion: """
            Add `bastion serve` to your MCP client's configuration. Without --config, Bastion runs its \
            embedded default: one client "local" that may read and write only in its private working \
            directory, with every action recorded in the audit log.
            """,
        version: BastionServer.version,
        subcommands: [
            ServeCommand.self, CheckConfigCommand.self, AuditCommand.self, ApproveCommand.self,
            SandboxCheckCommand.self, CertsCommand.self, TokenCommand.self,
        ],
        defaultSubcommand: nil
    )
}

import ArgumentParser
import Bastion
import BastionSystem

/// `bastion check-config FILE`: validates a configuration and prints the effective result.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print the effective configuration."
    )

    @Argument(help: ArgumentHelp("Configuration file (TOML).", valueName: "file"))
    var file: String

    func run() throws {
        var problem: String?
        do {
            let configuration = try BastionConfiguration.load(
                path: file,
                environment: ProcessEnvironment.current(),
                customPermissions: BastionServer.builtInCustomPermissions
            )
            for line in configuration.warnings { ServeCommand.writeToStandardError("bastion: warning: \(line)\n") }
            print(configuration.renderedTOML(), terminator: "")
            for warning in configuration.clients.compactMap(\.runAsWarning) {
                ServeCommand.writeToStandardError("bastion: warning: \(warning)\n")
            }
            problem = configuration.workdirsHoldingRuntime(RuntimeFiles.current.unwritable).first
        } catch {
            throw CommandFailure(error.description)
        }
        if let problem { throw CommandFailure(problem) }
    }
}

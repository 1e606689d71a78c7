import ArgumentParser

/// `bastion certs`: certificates for trying TLS and mutual TLS.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Make certificates for trying TLS and mutual TLS.",
        subcommands: [CertsInitCommand.self]
    )
}

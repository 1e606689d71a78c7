import Testing

@testable import Bastion

/// Shared fixtures for the configuration suites: a fixed environment and parse helpers.
enum ConfigurationTestSupport {
    /// A fixed environment, so expected paths do not depend on the machine.
    static let environment = ["HOME": "/home/ada", "XDG_STATE_HOME": "/state"]

    /// Parses `toml` as if read from `/etc/bastion/bastion.toml`.
    static func parse(_ toml: String, source: String = "/etc/bastion/bastion.toml") throws -> BastionConfiguration {
        try BastionConfiguration.parse(toml: toml, source: source, environment: environment)
    }

    /// The error that parsing `toml` throws; records an issue when it parses.
    static func error(_ toml: String, source: String = "bastion.toml") throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.parse(toml: toml, source: source, environment: environment)
        }
    }

    /// A minimal valid document: one client and nothing else.
    static let minimalClient = "[[clients]]\nid = \"a\"\n"
}

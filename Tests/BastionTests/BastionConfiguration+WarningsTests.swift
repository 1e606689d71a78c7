import BastionSecurity
import Testing

@testable import Bastion

struct BastionConfigurationWarningsTests {
    private func configuration(_ permissions: [Permission]) -> BastionConfiguration {
        var configuration = BastionConfiguration(server: ServerConfiguration(auditLog: "/dev/null"))
        configuration.clients = [ClientConfiguration(id: "c", workdir: "/w", permissions: permissions)]
        return configuration
    }

    /// Review 4, finding 6: `system_command:find` runs `find -exec sh`, `git` runs aliases.
    @Test(arguments: ["find", "git", "/usr/bin/git", "*", "py*"])
    func aGrantForAProgramThatRunsProgramsIsWarnedAbout(pattern: String) {
        let warnings = configuration([.systemCommand(pattern: pattern)]).warnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("client \"c\"") == true && warnings.first?.contains("code_execution") == true)
    }

    @Test func plainGrantsAreNot() {
        #expect(configuration([.systemCommand(pattern: "ls"), .systemCommand(pattern: "/usr/bin/wc"), .fileRead(glob: nil)]).warnings.isEmpty)
    }
}

import BastionSecurity
import Testing

@testable import Bastion

struct BastionConfigurationRuntimeTests {
    private static func configuration(workdirs: [String: String]) -> BastionConfiguration {
        var configuration = BastionConfiguration(server: ServerConfiguration(auditLog: "/var/log/bastion/audit.jsonl"))
        configuration.clients = workdirs.sorted { $0.key < $1.key }.map { id, workdir in
            ClientConfiguration(id: id, workdir: workdir, permissions: [.fileWrite(glob: nil)])
        }
        return configuration
    }

    /// Review 9, finding 2: a client that may write its workdir could plant a library beside a
    /// binary there, which the next `sandbox-exec` would load before any sandbox.
    @Test("A workdir holding the server's binary or a library directory is refused, naming both")
    func aWorkdirHoldingTheRuntimeIsRefused() {
        let runtime = ["/srv/repo/.build/debug/bastion", "/srv/repo/.build/debug", "/usr/lib/x86_64-linux-gnu"]
        let problems = Self.configuration(workdirs: [
            "a": "/srv/repo", "b": "/srv/other", "c": "/usr", "d": "/usr/lib/x86_64-linux-gnu/tls",
        ])
        .workdirsHoldingRuntime(runtime)
        #expect(problems.count == 3)  // review 10, finding 7: inside a library directory too
        #expect(problems.first?.contains("client \"a\"") == true)
        #expect(problems.first?.contains("/srv/repo/.build/debug/bastion") == true)
        #expect(problems[1].contains("client \"c\""))
        #expect(problems.last?.contains("client \"d\"") == true)
    }

    @Test("Workdirs beside the runtime, or with a name it starts with, are fine")
    func workdirsBesideTheRuntimeAreFine() {
        let runtime = ["/opt/bastion/bin/bastion", "/opt/bastion/bin"]
        #expect(
            Self.configuration(workdirs: ["a": "/opt/bastion/work", "b": "/opt/bastion/bin-data"])
                .workdirsHoldingRuntime(runtime).isEmpty
        )
    }
}

import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct WorkerSetupTests {
    @Test("The setup carries the clients without their authentication, and no transport")
    func credentialsAndTransportsStayInTheServer() throws {
        var configuration = BastionConfiguration(server: ServerConfiguration(auditLog: "/var/log/bastion/audit.jsonl"))
        configuration.http = HTTPTransportConfiguration(listen: "127.0.0.1:8443")
        configuration.clients = [
            ClientConfiguration(
                id: "a",
                workdir: "/srv/a",
                permissions: [.fileRead(glob: nil)],
                auth: ClientAuthConfiguration(jwtSubject: "subject-a", mtlsSubject: "CN=a"),
                isolation: .process
            )
        ]
        let setup = try #require(
            WorkerSetup(
                configuration: configuration,
                clientID: "a",
                home: "/root",
                protectedPaths: ["/etc/b.toml"],
                transport: "stdio"
            )
        )
        #expect(!setup.configuration.contains("subject-a"))
        #expect(!setup.configuration.contains("CN=a"))
        #expect(!setup.configuration.contains("transport.http"))
        let parsed = try BastionConfiguration.parse(toml: setup.configuration, source: "setup", environment: [:])
        #expect(parsed.clients.first?.isolation == .process)
        #expect(parsed.clients.first?.workdir == "/srv/a")
        let decoded = try #require(WorkerSetup(json: try JSONParser.parse(JSONWriter.encode(setup.json))))
        #expect(decoded == setup)
    }

    /// Review 8, finding 16: a worker learns nothing of the other clients but where their workdirs
    /// are, which its rules deny as the server's do.
    @Test("The setup holds the worker's own client only, denying the other clients' workdirs")
    func otherClientsStayInTheServer() throws {
        let configuration = Self.twoClients(bWorkdir: "/srv/b")
        let setup = try #require(
            WorkerSetup(
                configuration: configuration,
                clientID: "a",
                home: "/root",
                protectedPaths: [],
                transport: "stdio"
            )
        )
        let parsed = try BastionConfiguration.parse(toml: setup.configuration, source: "setup", environment: [:])
        #expect(parsed.clients.map(\.id) == ["a"])
        #expect(parsed.clients.first?.deny.contains("/srv/b/**") == true)
        #expect(!setup.configuration.contains("file_write"))
        #expect(
            WorkerSetup(
                configuration: configuration,
                clientID: "c",
                home: "/root",
                protectedPaths: [],
                transport: "stdio"
            )
                == nil
        )
    }

    /// Review 8, finding 13: a reload keeps the workers whose setup it leaves as it was.
    @Test("A setup changes with what the worker is built from, and only with that")
    func setupsCompareByWhatTheyBuild() throws {
        func setup(_ configuration: BastionConfiguration, protected: [String] = []) -> WorkerSetup? {
            WorkerSetup(
                configuration: configuration,
                clientID: "a",
                home: "/root",
                protectedPaths: protected,
                transport: "stdio"
            )
        }
        let base = Self.twoClients(bWorkdir: "/srv/b")
        var otherGrants = base
        otherGrants.clients[1].permissions = [.fileRead(glob: nil)]
        #expect(setup(base) == setup(otherGrants))
        #expect(setup(base) != setup(Self.twoClients(bWorkdir: "/srv/b2")))
        var ownLimits = base
        ownLimits.clients[0].limits.timeoutMs = 1_234
        #expect(setup(base) != setup(ownLimits))
        #expect(setup(base) != setup(base, protected: ["/etc/bastion.toml"]))
    }

    private static func twoClients(bWorkdir: String) -> BastionConfiguration {
        var configuration = BastionConfiguration(server: ServerConfiguration(auditLog: "/var/log/bastion/audit.jsonl"))
        configuration.clients = [
            ClientConfiguration(id: "a", workdir: "/srv/a", permissions: [.fileRead(glob: nil)], isolation: .process),
            ClientConfiguration(
                id: "b",
                workdir: bWorkdir,
                permissions: [.fileRead(glob: nil), .fileWrite(glob: nil)]
            ),
        ]
        return configuration
    }

    @Test("A line that is not a setup is none")
    func notASetup() throws {
        #expect(WorkerSetup(json: try JSONParser.parse(#"{"call":1}"#)) == nil)
    }
}

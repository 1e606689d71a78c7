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
        let setup = WorkerSetup(
            configuration: configuration,
            clientID: "a",
            home: "/root",
            protectedPaths: ["/etc/b.toml"],
            transport: "stdio"
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

    @Test("A line that is not a setup is none")
    func notASetup() throws {
        #expect(WorkerSetup(json: try JSONParser.parse(#"{"call":1}"#)) == nil)
    }
}

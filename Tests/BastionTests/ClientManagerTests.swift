import BastionSecurity
import Synchronization
import Testing

@testable import Bastion

struct ClientManagerTests {
    private final class Failures: Sendable {
        let messages = Mutex<[String]>([])
    }

    private func configuration(_ scratch: borrowing ScratchDirectory, readerDeny: [String] = []) -> BastionConfiguration
    {
        BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("audit.jsonl")),
            clients: [
                ClientConfiguration(
                    id: "writer",
                    workdir: scratch.file("clients/writer"),
                    permissions: [.fileRead(glob: nil), .fileWrite(glob: nil)]
                ),
                ClientConfiguration(
                    id: "reader",
                    workdir: scratch.file("clients/reader"),
                    permissions: [.fileRead(glob: nil)],
                    deny: readerDeny
                ),
            ]
        )
    }

    private func manager(
        _ configuration: BastionConfiguration,
        protected: [String] = [],
        failures: Failures = Failures()
    ) throws -> ClientManager {
        try ClientManager(configuration: configuration, home: "/home/ada", protectedPaths: protected) { error, _, _ in
            failures.messages.withLock { $0.append(error.message) }
        }
    }

    @Test func connectingGivesEachClientItsOwnPrivateWorkdirAndRights() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(configuration(scratch))
        let writer = try clients.connect(.stdio(clientID: "writer"), transport: "stdio")
        let reader = try clients.connect(.stdio(clientID: "reader"), transport: "stdio")
        #expect(writer.workdir != reader.workdir)
        #expect(ScratchDirectory.mode(of: writer.workdir) == 0o700)
        #expect(ScratchDirectory.mode(of: reader.workdir) == 0o700)
        #expect(writer.check(.write, path: "notes.txt") == .allow)
        #expect(!reader.check(.write, path: "notes.txt").isAllowed)
        // A client's grants cover its own workdir, not the other's.
        #expect(!reader.check(.read, path: writer.workdir + "/notes.txt").isAllowed)
        #expect(clients.connectedClients.count == 2)
        clients.disconnect(writer)
        #expect(clients.connectedClients.map(\.id) == ["reader"])
    }

    @Test func anUnknownClientIsRefusedAndTheFailureReported() throws {
        let scratch = try ScratchDirectory()
        let failures = Failures()
        let clients = try manager(configuration(scratch), failures: failures)
        #expect(throws: ServerError.self) { try clients.connect(.stdio(clientID: "mallory"), transport: "stdio") }
        #expect(failures.messages.withLock { $0 } == [#"no client "mallory" is configured"#])
        #expect(clients.connectedClients.isEmpty)
    }

    @Test func theProtectedPathsAreNeverWritable() throws {
        let scratch = try ScratchDirectory()
        var configuration = configuration(scratch)
        configuration.clients[0].permissions.append(.fileWriteGlobal(glob: "/**"))
        let clients = try manager(configuration, protected: [scratch.file("audit.jsonl")])
        let writer = try clients.connect(.stdio(clientID: "writer"), transport: "stdio")
        #expect(writer.check(.write, path: "/tmp/elsewhere") == .allow)
        let decision = writer.check(.write, path: scratch.file("audit.jsonl.1"))
        guard case .protected = decision else {
            Issue.record("expected a protected denial, got \(decision)")
            return
        }
    }

    @Test func aReloadAppliesToConnectedClientsAtTheNextCheck() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(configuration(scratch))
        let reader = try clients.connect(.stdio(clientID: "reader"), transport: "stdio")
        #expect(reader.check(.read, path: "secret.key") == .allow)
        var new = configuration(scratch, readerDeny: ["**/*.key"])
        new.clients[1].permissions.append(.systemCommand(pattern: "git"))
        let report = try clients.reload(new, home: "/home/ada")
        #expect(report.changed == ["reader"])
        #expect(report.added.isEmpty && report.removed.isEmpty && report.notApplied.isEmpty)
        #expect(!reader.check(.read, path: "secret.key").isAllowed)
        #expect(reader.permissions.contains(.systemCommand(pattern: "git")))
    }

    @Test func aClientRemovedByAReloadLosesEveryRight() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(configuration(scratch))
        let writer = try clients.connect(.stdio(clientID: "writer"), transport: "stdio")
        var new = configuration(scratch)
        new.clients.removeFirst()
        let report = try clients.reload(new, home: "/home/ada")
        #expect(report.removed == ["writer"])
        #expect(writer.permissions.isEmpty)
        #expect(!writer.check(.read, path: "notes.txt").isAllowed)
        #expect(throws: ServerError.self) { try clients.connect(.stdio(clientID: "writer"), transport: "stdio") }
    }

    @Test func aReloadWithBadRulesKeepsTheOldOnes() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(configuration(scratch))
        let reader = try clients.connect(.stdio(clientID: "reader"), transport: "stdio")
        let bad = configuration(scratch, readerDeny: ["a**"])
        #expect(throws: ServerError.self) { try clients.reload(bad, home: "/home/ada") }
        #expect(reader.check(.read, path: "a.txt") == .allow)
        #expect(clients.configuration == configuration(scratch))
    }

    @Test func settingsThatNeedARestartAreReported() throws {
        let scratch = try ScratchDirectory()
        let old = configuration(scratch)
        var new = old
        new.server.pageSize = 7
        new.clients[0].workdir = scratch.file("elsewhere")
        new.clients[0].limits.timeoutMs = 5
        new.clients.append(ClientConfiguration(id: "third", workdir: scratch.file("clients/third")))
        let report = ClientManager.report(from: old, to: new)
        #expect(report.added == ["third"])
        #expect(report.changed.isEmpty)
        #expect(report.notApplied == ["clients.writer.workdir", "clients.writer.limits", "server"])
    }
}

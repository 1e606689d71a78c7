import BastionProtocol
import Synchronization
import Testing

@testable import BastionSecurity

struct ClientManagerTests {
    private final class Failures: Sendable {
        let messages = Mutex<[String]>([])
    }

    private func clients(_ scratch: borrowing ScratchDirectory, readerDeny: [String] = []) -> [ClientManager.Client] {
        [
            client("writer", scratch.file("clients/writer"), [.fileRead(glob: nil), .fileWrite(glob: nil)]),
            client("reader", scratch.file("clients/reader"), [.fileRead(glob: nil)], deny: readerDeny),
        ]
    }

    private func client(
        _ id: String,
        _ workdir: String,
        _ permissions: [Permission],
        deny: [String] = []
    ) -> ClientManager.Client {
        ClientManager.Client(
            id: id,
            rules: PermissionManager.ClientRules(
                permissions: permissions,
                deny: deny,
                workdir: workdir,
                home: "/home/ada"
            ),
            limits: ResourceLimits()
        )
    }

    private func manager(
        _ clients: [ClientManager.Client],
        protected: [String] = [],
        failures: Failures = Failures()
    ) throws -> ClientManager {
        try ClientManager(clients: clients, protectedPaths: protected) { error, _, _ in
            failures.messages.withLock { $0.append(error.message) }
        }
    }

    @Test func connectingGivesEachClientItsOwnWorkdirAndRights() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(clients(scratch))
        let writer = try clients.connect(.stdio(clientID: "writer"), transport: "stdio").context
        let reader = try clients.connect(.stdio(clientID: "reader"), transport: "stdio").context
        #expect(writer.workdir == scratch.file("clients/writer"))
        #expect(reader.workdir == scratch.file("clients/reader"))
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
        let clients = try manager(clients(scratch), failures: failures)
        #expect(throws: AuthenticationError.self) {
            try clients.connect(.stdio(clientID: "mallory"), transport: "stdio")
        }
        #expect(failures.messages.withLock { $0 } == [#"no client "mallory" is configured"#])
        #expect(clients.connectedClients.isEmpty)
    }

    @Test func theProtectedPathsAreNeverWritable() throws {
        let scratch = try ScratchDirectory()
        var configured = clients(scratch)
        configured[0].rules.permissions.append(.fileWriteGlobal(glob: "/**"))
        let clients = try manager(configured, protected: [scratch.file("audit.jsonl")])
        let writer = try clients.connect(.stdio(clientID: "writer"), transport: "stdio").context
        #expect(writer.check(.write, path: "/tmp/elsewhere") == .allow)
        let decision = writer.check(.write, path: scratch.file("audit.jsonl.1"))
        guard case .protected = decision else {
            Issue.record("expected a protected denial, got \(decision)")
            return
        }
    }

    @Test func replacingTheClientsAppliesToConnectedClientsAtTheNextCheck() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(clients(scratch))
        let reader = try clients.connect(.stdio(clientID: "reader"), transport: "stdio").context
        #expect(reader.check(.read, path: "secret.key") == .allow)
        var new = self.clients(scratch, readerDeny: ["**/*.key"])
        new[1].rules.permissions.append(.systemCommand(pattern: "git"))
        try clients.replaceClients(new)
        #expect(!reader.check(.read, path: "secret.key").isAllowed)
        #expect(reader.permissions.contains(.systemCommand(pattern: "git")))
    }

    @Test func whetherSomeClientSignsFollowsAReplacement() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(clients(scratch))
        #expect(!clients.acceptsSignatures)
        var new = self.clients(scratch)
        new[0].signatureKey = try SignatureKey(parsing: "hmac-sha256:" + String(repeating: "A", count: 44))
        try clients.replaceClients(new)
        #expect(clients.acceptsSignatures)
        try clients.replaceClients(self.clients(scratch))
        #expect(!clients.acceptsSignatures)
    }

    @Test func aClientRemovedByAReplacementLosesEveryRight() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(clients(scratch))
        let writer = try clients.connect(.stdio(clientID: "writer"), transport: "stdio").context
        try clients.replaceClients(Array(self.clients(scratch).dropFirst()))
        #expect(writer.permissions.isEmpty)
        #expect(!writer.check(.read, path: "notes.txt").isAllowed)
        #expect(throws: AuthenticationError.self) {
            try clients.connect(.stdio(clientID: "writer"), transport: "stdio")
        }
    }

    @Test func badRulesKeepTheOldOnes() throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(clients(scratch))
        let reader = try clients.connect(.stdio(clientID: "reader"), transport: "stdio").context
        #expect(throws: PermissionParseError.self) {
            try clients.replaceClients(self.clients(scratch, readerDeny: ["a**"]))
        }
        #expect(reader.check(.read, path: "a.txt") == .allow)
        #expect(clients.clients["reader"]?.rules.deny == [])
    }

    /// Connections racing with a replacement never keep the rights it took away: each context is
    /// built and registered under the snapshot it was built from (the old registry read the
    /// configuration, then registered, so a reload in between left the context with stale grants).
    @Test func contextsConnectingDuringAReplacementNeverKeepStaleGrants() async throws {
        let scratch = try ScratchDirectory()
        let clients = try manager(clients(scratch))
        var revocation = self.clients(scratch)
        revocation[0].rules.permissions = [.fileRead(glob: nil)]
        let revoked = revocation
        let contexts = await withTaskGroup(of: [ClientContext].self) { group -> [ClientContext] in
            for _ in 0..<8 {
                group.addTask {
                    (0..<200).compactMap { _ in
                        try? clients.connect(.stdio(clientID: "writer"), transport: "stdio").context
                    }
                }
            }
            group.addTask {
                try? clients.replaceClients(revoked)
                return []
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(contexts.count == 1_600)
        for context in contexts { #expect(!context.permissions.contains(.fileWrite(glob: nil))) }
    }
}

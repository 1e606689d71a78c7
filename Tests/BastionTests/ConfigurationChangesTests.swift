import BastionSecurity
import Testing

@testable import Bastion

struct ConfigurationChangesTests {
    private func configuration(_ scratch: borrowing ScratchDirectory) -> BastionConfiguration {
        BastionConfiguration(
            server: ServerConfiguration(auditLog: scratch.file("audit.jsonl")),
            clients: [
                ClientConfiguration(id: "writer", workdir: scratch.file("clients/writer"), permissions: [.fileWrite(glob: nil)]),
                ClientConfiguration(id: "reader", workdir: scratch.file("clients/reader"), permissions: [.fileRead(glob: nil)]),
            ]
        )
    }

    @Test func changedRulesAndRemovedClientsAreNamed() throws {
        let scratch = try ScratchDirectory()
        let old = configuration(scratch)
        var new = old
        new.clients[1].deny = ["**/*.key"]
        new.clients.removeFirst()
        let changes = ConfigurationChanges.between(old, new)
        #expect(changes.changed == ["reader"])
        #expect(changes.removed == ["writer"])
        #expect(changes.added.isEmpty && changes.notApplied.isEmpty)
    }

    @Test func settingsThatNeedARestartAreReported() throws {
        let scratch = try ScratchDirectory()
        let old = configuration(scratch)
        var new = old
        new.server.pageSize = 7
        new.clients[0].workdir = scratch.file("elsewhere")
        new.clients[0].limits.timeoutMs = 5
        new.clients.append(ClientConfiguration(id: "third", workdir: scratch.file("clients/third")))
        let changes = ConfigurationChanges.between(old, new)
        #expect(changes.added == ["third"])
        #expect(changes.changed.isEmpty)
        #expect(changes.notApplied == ["clients.writer.workdir", "clients.writer.limits", "server"])
    }
}

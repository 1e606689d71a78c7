import BastionSecurity
import Testing

@testable import Bastion

struct BastionConfigurationRegistryTests {
    @Test func eachClientBecomesARegistryEntryWithItsEffectiveRules() {
        var reader = ClientConfiguration(id: "reader", workdir: "/w/reader", permissions: [.fileRead(glob: nil), .fileWrite(glob: nil)])
        reader.readOnly = true
        reader.deny = ["**/.env"]
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/dev/null"),
            clients: [ClientConfiguration(id: "local", workdir: "/w/local"), reader]
        )
        let entries = configuration.registryClients(home: "/home/ada")
        #expect(entries.map(\.id) == ["local", "reader"])
        #expect(entries[1].rules.permissions == [.fileRead(glob: nil)])  // read_only removed the write
        #expect(entries[1].rules.deny == ["**/.env"])
        #expect(entries[1].rules.home == "/home/ada")
        #expect(entries[1].rules.workdir == "/w/reader")
    }
}

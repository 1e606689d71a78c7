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
        // Each client's rules also deny the other clients' workdirs.
        #expect(entries[0].rules.deny == ["/w/reader/**"])
        #expect(entries[1].rules.deny == ["**/.env", "/w/local/**"])
        #expect(entries[1].rules.home == "/home/ada")
        #expect(entries[1].rules.workdir == "/w/reader")
    }

    @Test func aWorkdirInGlobSyntaxIsDeniedLiterally() {
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/dev/null"),
            clients: [ClientConfiguration(id: "a", workdir: "/w/a"), ClientConfiguration(id: "b", workdir: "/w/b*[x]")]
        )
        #expect(configuration.registryClients(home: "/h").first?.rules.deny == [#"/w/b\*\[x\]/**"#])
    }

    @Test func keepingWorkdirsKeepsTheOnesInForceAndTakesNewClientsAsGiven() {
        let old = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/dev/null"),
            clients: [ClientConfiguration(id: "a", workdir: "/w/a")]
        )
        let reloaded = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/dev/null"),
            clients: [ClientConfiguration(id: "a", workdir: "/w/moved"), ClientConfiguration(id: "b", workdir: "/w/b")]
        )
        #expect(reloaded.keepingWorkdirs(of: old).clients.map(\.workdir) == ["/w/a", "/w/b"])
    }

    @Test func aReloadDeniesBothTheKeptAndTheReloadedWorkdirOfOtherClients() {
        let inForce = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/dev/null"),
            clients: [ClientConfiguration(id: "a", workdir: "/w/a"), ClientConfiguration(id: "b", workdir: "/w/b")]
        )
        var reloaded = inForce
        reloaded.clients[1].workdir = "/w/b2"
        let entries = reloaded.keepingWorkdirs(of: inForce).registryClients(home: "/h", alsoDenyingWorkdirsOf: [reloaded])
        // b's new processes work in /w/b2: a must be kept out of it as well as out of /w/b.
        #expect(entries[0].rules.deny == ["/w/b/**", "/w/b2/**"])
        #expect(entries[1].rules.deny == ["/w/a/**"])
    }

    @Test func aSignatureKeyReachesTheRegistry() throws {
        let key = try SignatureKey(parsing: ClientAuthConfigurationTOMLTests.ed25519Key)
        let configuration = BastionConfiguration(
            server: ServerConfiguration(auditLog: "/dev/null"),
            clients: [
                ClientConfiguration(id: "signer", workdir: "/w/s", auth: ClientAuthConfiguration(signatureKey: key)),
                ClientConfiguration(id: "other", workdir: "/w/o"),
            ]
        )
        let entries = configuration.registryClients(home: "/home/ada")
        #expect(entries.map(\.signatureKey) == [key, nil])
    }
}

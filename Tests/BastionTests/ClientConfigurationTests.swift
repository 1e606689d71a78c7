import BastionSecurity
import Testing

@testable import Bastion

struct ClientConfigurationTests {
    @Test("A client grants nothing and approves nothing unless told otherwise")
    func defaults() {
        let client = ClientConfiguration(id: "c", workdir: "/w")
        #expect(client.permissions.isEmpty)
        #expect(client.limits == ResourceLimits())
        #expect(client.auth == ClientAuthConfiguration())
        #expect(client.deny.isEmpty)
        #expect(client.approval == .never)
        #expect(client.approvalChannel == .local)
        #expect(client.isolation == .inProcess)
        #expect(client.readOnly == false)
    }

    @Test(
        "Client ids are 1 to 64 characters from [A-Za-z0-9_.-]",
        arguments: [
            ("claude", true), ("a", true), ("A-z_0.9", true), (String(repeating: "x", count: 64), true),
            ("", false), (String(repeating: "x", count: 65), false), ("has space", false), ("a/b", false),
            ("é", false), ("a:b", false),
        ]
    )
    func validIDs(id: String, isValid: Bool) {
        #expect(ClientConfiguration.isValidID(id) == isValid)
    }

    static let everyKind: [Permission] = [
        .fileRead(glob: nil), .fileRead(glob: "/srv/**"), .fileWrite(glob: nil), .fileWriteGlobal(glob: "/tmp/**"),
        .codeExecution(unrestricted: false), .codeExecutionSudo, .systemCommand(pattern: "git"),
        .custom(name: "git.push"),
    ]

    @Test("read_only keeps only the file_read grants; otherwise every grant is effective")
    func readOnlyRemovesWritesAndExecution() {
        var client = ClientConfiguration(id: "c", workdir: "/w", permissions: Self.everyKind)
        #expect(client.effectivePermissions == Self.everyKind)
        client.readOnly = true
        #expect(client.effectivePermissions == [.fileRead(glob: nil), .fileRead(glob: "/srv/**")])
    }

    @Test("The call-level rules carry the effective grants, deny globs, read_only and workdir")
    func permissionRules() {
        let client = ClientConfiguration(
            id: "c",
            workdir: "/w",
            permissions: Self.everyKind,
            deny: ["**/.env"],
            readOnly: true
        )
        let rules = client.permissionRules(home: "/home/ada")
        #expect(rules.permissions == client.effectivePermissions)
        #expect(rules.deny == ["**/.env"])
        #expect(rules.isReadOnly)
        #expect(rules.workdir == "/w")
        #expect(rules.home == "/home/ada")
    }
}

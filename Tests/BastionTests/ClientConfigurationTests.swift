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
}

import Testing

@testable import BastionSecurity

struct ClientIdentityTests {
    @Test func initStoresItsParts() {
        let identity = ClientIdentity(clientID: "claude", transport: "stdio", method: .stdioProcess)
        #expect(identity.clientID == "claude")
        #expect(identity.transport == "stdio")
        #expect(identity.method == .stdioProcess)
    }

    @Test(arguments: [
        (ClientIdentity.Method.stdioProcess, "stdio"),
        (.jwt, "jwt"),
        (.mutualTLS, "mtls"),
        (.httpSignature, "http-signature"),
        (.dbusPeer, "dbus-peer"),
        (.loopback, "loopback"),
    ])
    func methodsHaveStableAuditNames(method: ClientIdentity.Method, name: String) {
        #expect(method.rawValue == name)
        #expect(ClientIdentity.Method(rawValue: name) == method)
    }

    @Test func identitiesCompareByEveryPart() {
        let base = ClientIdentity(clientID: "a", transport: "stdio", method: .stdioProcess)
        #expect(base == ClientIdentity(clientID: "a", transport: "stdio", method: .stdioProcess))
        #expect(base != ClientIdentity(clientID: "b", transport: "stdio", method: .stdioProcess))
        #expect(base != ClientIdentity(clientID: "a", transport: "http", method: .stdioProcess))
        #expect(base != ClientIdentity(clientID: "a", transport: "stdio", method: .jwt))
    }
}

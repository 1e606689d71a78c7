import Testing

@testable import Bastion

struct ClientAuthConfigurationTests {
    @Test("By default no peer maps to the client")
    func defaults() {
        let auth = ClientAuthConfiguration()
        #expect(auth.jwtSubject == nil)
        #expect(auth.mtlsSubject == nil)
        #expect(auth.dbusUID == nil)
        #expect(auth.signatureKey == nil)
    }

    @Test("Mappings compare field by field")
    func equality() {
        #expect(ClientAuthConfiguration(jwtSubject: "a") == ClientAuthConfiguration(jwtSubject: "a"))
        #expect(ClientAuthConfiguration(jwtSubject: "a") != ClientAuthConfiguration(mtlsSubject: "a"))
        #expect(ClientAuthConfiguration(dbusUID: 0) != ClientAuthConfiguration())
    }
}

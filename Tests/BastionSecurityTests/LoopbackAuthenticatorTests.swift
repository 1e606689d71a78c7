import BastionProtocol
import Testing

@testable import BastionSecurity

/// A loopback listener's trust (LoopbackAuthenticator.swift): nothing presented, one client.
struct LoopbackAuthenticatorTests {
    let authenticator = LoopbackAuthenticator(clientID: "local")

    @Test func anAnonymousRequestIsTheConfiguredClient() throws {
        let identity = try authenticator.authenticate(.anonymous, transport: "http")
        #expect(identity == ClientIdentity(clientID: "local", transport: "http", method: .loopback))
    }

    @Test(arguments: [
        TransportCredentials.bearerToken("t"), .certificateSubject("CN=local"), .stdio(clientID: "local"),
        .dbusPeer(uid: 0, pid: 1),
    ])
    func presentedCredentialsAreLeftToTheirOwnAuthenticator(credentials: TransportCredentials) throws {
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(credentials, transport: "http")
        }
        #expect(error.code == .unsupportedCredentials)
    }
}

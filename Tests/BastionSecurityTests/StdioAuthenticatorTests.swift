import BastionProtocol
import Testing

@testable import BastionSecurity

struct StdioAuthenticatorTests {
    let authenticator = StdioAuthenticator(clientIDs: ["local", "claude"])

    @Test(arguments: ["local", "claude"])
    func aConfiguredClientIsAuthenticated(clientID: String) throws {
        let identity = try authenticator.authenticate(.stdio(clientID: clientID), transport: "stdio")
        #expect(identity == ClientIdentity(clientID: clientID, transport: "stdio", method: .stdioProcess))
    }

    @Test func theTransportNameIsKept() throws {
        let identity = try authenticator.authenticate(.stdio(clientID: "local"), transport: "stdio-test")
        #expect(identity.transport == "stdio-test")
    }

    @Test(arguments: ["nobody", "", "Local", "local "])
    func anUnknownClientIsRefusedByName(clientID: String) throws {
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(.stdio(clientID: clientID), transport: "stdio")
        }
        #expect(error.code == .unknownClient)
        #expect(error.message.contains("\"\(clientID)\""))
    }

    @Test func noConfiguredClientsRefuseEveryone() throws {
        let error = try #require(throws: AuthenticationError.self) {
            try StdioAuthenticator(clientIDs: []).authenticate(.stdio(clientID: "local"), transport: "stdio")
        }
        #expect(error.code == .unknownClient)
    }

    @Test(arguments: [
        TransportCredentials.bearerToken("super-secret-token"),
        .certificateSubject("CN=local"),
        .dbusPeer(uid: 0, pid: 1),
    ])
    func nonStdioCredentialsAreRefusedWithoutEchoingThem(credentials: TransportCredentials) throws {
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(credentials, transport: "stdio")
        }
        #expect(error.code == .unsupportedCredentials)
        #expect(error.message.contains(credentials.kindName))
        #expect(!error.message.contains("super-secret-token"))
        #expect(!error.message.contains("CN=local"))
    }
}

import BastionProtocol
import Testing

@testable import BastionSecurity

/// Verified token subjects to clients (TokenSubjectAuthenticator.swift).
struct TokenSubjectAuthenticatorTests {
    private static func client(_ id: String, subject: String?) -> ClientManager.Client {
        ClientManager.Client(
            id: id,
            rules: PermissionManager.ClientRules(permissions: [], deny: [], workdir: "/tmp/\(id)", home: "/home/ada"),
            limits: ResourceLimits(),
            tokenSubject: subject
        )
    }

    let authenticator = TokenSubjectAuthenticator(clients: [
        client("claude", subject: "claude-sub"), client("plain", subject: nil),
        client("a", subject: "shared"), client("b", subject: "shared"),
    ])

    @Test func aClaimedSubjectIsItsClient() throws {
        let identity = try authenticator.authenticate(.tokenSubject("claude-sub"), transport: "http")
        #expect(identity == ClientIdentity(clientID: "claude", transport: "http", method: .jwt))
    }

    @Test(arguments: ["nobody", "Claude-sub", "shared", ""])
    func anUnclaimedOrAmbiguousSubjectIsRefused(subject: String) throws {
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(.tokenSubject(subject), transport: "http")
        }
        #expect(error.code == .unknownClient)
    }

    @Test func aRawTokenIsNotASubject() throws {
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(.bearerToken("claude-sub"), transport: "http")
        }
        #expect(error.code == .unsupportedCredentials)
    }
}

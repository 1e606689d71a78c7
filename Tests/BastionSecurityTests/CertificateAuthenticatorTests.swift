import BastionProtocol
import Testing

@testable import BastionSecurity

/// Mutual TLS subjects to clients (CertificateAuthenticator.swift).
struct CertificateAuthenticatorTests {
    private static func client(_ id: String, subject: String?) -> ClientManager.Client {
        ClientManager.Client(
            id: id,
            rules: PermissionManager.ClientRules(permissions: [], deny: [], workdir: "/tmp/\(id)", home: "/home/ada"),
            limits: ResourceLimits(),
            certificateSubject: subject
        )
    }

    let authenticator = CertificateAuthenticator(clients: [
        client("claude", subject: "CN=claude"), client("ci", subject: "CN=ci,O=Example"), client("none", subject: nil),
        client("twin-a", subject: "CN=twin"), client("twin-b", subject: "CN=twin"),
    ])

    @Test(arguments: [("CN=claude", "claude"), ("CN=ci,O=Example", "ci")])
    func aClaimedSubjectIsItsClient(subject: String, id: String) throws {
        let identity = try authenticator.authenticate(.certificateSubject(subject), transport: "http")
        #expect(identity == ClientIdentity(clientID: id, transport: "http", method: .mutualTLS))
    }

    @Test(arguments: ["CN=nobody", "cn=claude", "CN=claude ", "CN=ci", "CN=twin", ""])
    func anUnclaimedOrAmbiguousSubjectIsRefused(subject: String) throws {
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(.certificateSubject(subject), transport: "http")
        }
        #expect(error.code == .unknownClient)
    }

    @Test func otherCredentialsAreLeftToTheirAuthenticator() throws {
        let error = try #require(throws: AuthenticationError.self) {
            try authenticator.authenticate(.anonymous, transport: "http")
        }
        #expect(error.code == .unsupportedCredentials)
    }
}

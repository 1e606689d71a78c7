import Testing

@testable import BastionProtocol

struct TransportCredentialsTests {
    @Test(arguments: [
        (TransportCredentials.stdio(clientID: "local"), "stdio"),
        (.bearerToken("eyJhbGciOiJIUzI1NiJ9.payload.signature"), "bearer-token"),
        (.certificateSubject("CN=alice,O=Example"), "client-certificate"),
        (.dbusPeer(uid: 1000, pid: 4242), "dbus-peer"),
    ])
    func kindNameIsTheCredentialKind(credentials: TransportCredentials, kind: String) {
        #expect(credentials.kindName == kind)
    }

    @Test(arguments: [
        (TransportCredentials.bearerToken("s3cr3t-token-value"), "s3cr3t"),
        (.certificateSubject("CN=alice-private"), "alice"),
        (.stdio(clientID: "claude-desktop"), "claude"),
        (.dbusPeer(uid: 31337, pid: 9876), "31337"),
    ])
    func kindNameNeverContainsTheCredentialItself(credentials: TransportCredentials, secret: String) {
        #expect(!credentials.kindName.contains(secret))
    }

    @Test func credentialsCompareByValue() {
        #expect(TransportCredentials.bearerToken("a") == .bearerToken("a"))
        #expect(TransportCredentials.bearerToken("a") != .bearerToken("b"))
        #expect(TransportCredentials.stdio(clientID: "a") != .certificateSubject("a"))
    }
}

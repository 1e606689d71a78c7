import Testing

@testable import BastionProtocol

struct TransportCredentialsTests {
    @Test(arguments: [
        (TransportCredentials.stdio(clientID: "local"), "stdio"),
        (.bearerToken("eyJhbGciOiJIUzI1NiJ9.payload.signature"), "bearer-token"),
        (.certificateSubject("CN=alice,O=Example"), "client-certificate"),
        (.dbusPeer(uid: 1000, pid: 4242), "dbus-peer"),
        (.anonymous, "none"),
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

    @Test func anonymousCredentialsDescribeThemselvesAsNone() {
        #expect("\(TransportCredentials.anonymous)" == "none")
        #expect(TransportCredentials.anonymous != .bearerToken(""))
    }

    @Test func credentialsCompareByValue() {
        #expect(TransportCredentials.bearerToken("a") == .bearerToken("a"))
        #expect(TransportCredentials.bearerToken("a") != .bearerToken("b"))
        #expect(TransportCredentials.stdio(clientID: "a") != .certificateSubject("a"))
    }

    @Test func noRenderingOfABearerTokenShowsTheToken() {
        let credentials = TransportCredentials.bearerToken("eyJhbGciOiJIUzI1NiJ9.s3cr3t.sig")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(describing: credentials), String(reflecting: credentials), dumped] {
            #expect(!text.contains("s3cr3t"), "\(text)")
            #expect(text.contains("bearer-token"), "\(text)")
        }
    }

    @Test func identitiesThatAreNoSecretAreShownEscapedAndBounded() {
        #expect("\(TransportCredentials.stdio(clientID: "local"))" == "stdio(client: local)")
        #expect("\(TransportCredentials.dbusPeer(uid: 1000, pid: 42))" == "dbus-peer(uid: 1000, pid: 42)")
        let forged =
            "\(TransportCredentials.certificateSubject("CN=a\nforged line" + String(repeating: "x", count: 500)))"
        #expect(!forged.contains("\n"))
        #expect(forged.utf8.count < 200)
    }
}

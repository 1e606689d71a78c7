import BastionProtocol
import Synchronization
import Testing

@testable import BastionSecurity

/// An authenticator that accepts bearer tokens equal to its secret.
private struct TokenAuthenticator: Authenticator {
    var token: String
    func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        guard case .bearerToken(let presented) = credentials else {
            throw AuthenticationError(code: .unsupportedCredentials, message: "tokens only")
        }
        guard presented == token else { throw AuthenticationError(code: .invalidCredentials, message: "bad token") }
        return ClientIdentity(clientID: "web", transport: transport, method: .jwt)
    }
}

struct AuthenticationManagerTests {
    private final class Failures: Sendable {
        let recorded = Mutex<[String]>([])
    }

    private func manager(_ failures: Failures) -> AuthenticationManager {
        AuthenticationManager(
            authenticators: [StdioAuthenticator(clientIDs: ["local"]), TokenAuthenticator(token: "s3cret")]
        ) { error, kind, transport in
            failures.recorded.withLock { $0.append("\(transport) \(kind): \(error.message)") }
        }
    }

    @Test func eachCredentialKindReachesTheAuthenticatorThatAcceptsIt() throws {
        let failures = Failures()
        let manager = manager(failures)
        #expect(try manager.authenticate(.stdio(clientID: "local"), transport: "stdio").clientID == "local")
        #expect(try manager.authenticate(.bearerToken("s3cret"), transport: "http").method == .jwt)
        #expect(failures.recorded.withLock { $0 }.isEmpty)
    }

    @Test func aFailureIsReportedOnceWithoutTheSecretThenThrown() {
        let failures = Failures()
        let manager = manager(failures)
        #expect(throws: AuthenticationError.self) { try manager.authenticate(.bearerToken("guess"), transport: "http") }
        #expect(failures.recorded.withLock { $0 } == ["http bearer-token: bad token"])
    }

    @Test func credentialsNoAuthenticatorAcceptsAreRefused() {
        let failures = Failures()
        let manager = manager(failures)
        let error = #expect(throws: AuthenticationError.self) {
            try manager.authenticate(.dbusPeer(uid: 1000, pid: 1), transport: "dbus")
        }
        #expect(error?.code == .unsupportedCredentials)
        #expect(failures.recorded.withLock { $0.count } == 1)
    }

    @Test func anUnknownStdioClientIsRefusedAndReported() {
        let failures = Failures()
        let error = #expect(throws: AuthenticationError.self) {
            try manager(failures).authenticate(.stdio(clientID: "nobody"), transport: "stdio")
        }
        #expect(error?.code == .unknownClient)
        #expect(failures.recorded.withLock { $0 } == [#"stdio stdio: no client "nobody" is configured"#])
    }
}

import BastionProtocol
import Testing

@testable import BastionSecurity

/// A minimal network-style authenticator, showing that other methods plug into the same protocol.
private struct FixedTokenAuthenticator: Authenticator {
    let token: String
    let clientID: String

    func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        guard case .bearerToken(let presented) = credentials else {
            throw AuthenticationError(code: .unsupportedCredentials, message: "bearer tokens only")
        }
        guard presented == token else {
            throw AuthenticationError(code: .invalidCredentials, message: "token rejected")
        }
        return ClientIdentity(clientID: clientID, transport: transport, method: .jwt)
    }
}

struct AuthenticatorTests {
    /// Tries each authenticator in turn, as a transport with several methods would.
    private func firstIdentity(
        _ credentials: TransportCredentials,
        among authenticators: [any Authenticator]
    ) -> Result<ClientIdentity, AuthenticationError> {
        var last = AuthenticationError(code: .unsupportedCredentials, message: "no authenticator")
        for authenticator in authenticators {
            do {
                return .success(try authenticator.authenticate(credentials, transport: "http"))
            } catch {
                last = error
            }
        }
        return .failure(last)
    }

    @Test func authenticatorsWorkThroughTheExistential() throws {
        let chain: [any Authenticator] = [
            StdioAuthenticator(clientIDs: ["local"]), FixedTokenAuthenticator(token: "t0k", clientID: "claude"),
        ]
        let identity = try firstIdentity(.bearerToken("t0k"), among: chain).get()
        #expect(identity == ClientIdentity(clientID: "claude", transport: "http", method: .jwt))
    }

    @Test func theLastFailureIsReportedWhenNothingAccepts() {
        let chain: [any Authenticator] = [
            StdioAuthenticator(clientIDs: ["local"]), FixedTokenAuthenticator(token: "t0k", clientID: "claude"),
        ]
        guard case .failure(let error) = firstIdentity(.bearerToken("wrong"), among: chain) else {
            Issue.record("a wrong token was accepted")
            return
        }
        #expect(error.code == .invalidCredentials)
    }
}

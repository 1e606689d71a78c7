import Bastion
import Testing

@testable import bastion

/// Reading `[auth.jwt]`'s key files (TokenKeys.swift).
struct TokenKeysTests {
    @Test func aMissingKeyFileIsNamed() async {
        let jwt = JWTConfiguration(issuer: "i", audience: "a", publicKeys: ["/nonexistent/jwt.pub"])
        let error = await #expect(throws: CommandFailure.self) { _ = try await TokenKeys.verifier(jwt, publicURL: nil) }
        #expect(error?.description.contains("/nonexistent/jwt.pub") == true)
    }

    @Test func withoutAnySigningKeyTokenCannotSign() {
        let jwt = JWTConfiguration(issuer: "i", audience: "a", publicKeys: ["/k"])
        #expect(throws: CommandFailure.self) { _ = try TokenKeys.signingKey(jwt) }
    }
}

import Testing

@testable import BastionSecurity

/// The bearer-token contract (BearerTokenVerifier.swift).
struct BearerTokenVerifierTests {
    struct Fixed: BearerTokenVerifier {
        func verify(_ token: String) async throws(AuthenticationError) -> VerifiedToken {
            guard token == "good" else { throw AuthenticationError(code: .invalidCredentials, message: "bad") }
            return VerifiedToken(subject: "s", scopes: ["a"])
        }
    }

    @Test func aVerifierProvesASubjectOrRefuses() async throws {
        #expect(try await Fixed().verify("good") == VerifiedToken(subject: "s", scopes: ["a"]))
        await #expect(throws: AuthenticationError.self) { _ = try await Fixed().verify("bad") }
    }
}

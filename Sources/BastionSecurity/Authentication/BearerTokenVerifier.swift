/// Step 1 for bearer tokens: proves what a token says (its signature, issuer, audience, times and
/// scopes) and returns its subject, which ``TokenSubjectAuthenticator`` maps to a client.
///
/// The JWT implementation (jwt-kit) lives in a target of its own, `BastionTokens`; the server
/// only knows this contract.
public protocol BearerTokenVerifier: Sendable {
    /// Verifies `token`.
    /// - Throws: ``AuthenticationError``: `invalidCredentials` (401) for a token that proves
    ///   nothing, `insufficientScope` (403) for a valid one without a required scope. The
    ///   message never quotes the token.
    func verify(_ token: String) async throws(AuthenticationError) -> VerifiedToken
}

/// What a verified bearer token proved.
public struct VerifiedToken: Sendable, Hashable {
    /// The `sub` claim.
    public var subject: String
    /// The scopes granted.
    public var scopes: Set<String>

    /// Creates a verified token's proof.
    public init(subject: String, scopes: Set<String>) {
        self.subject = subject
        self.scopes = scopes
    }
}

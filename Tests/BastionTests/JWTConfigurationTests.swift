import Testing

@testable import Bastion

/// The JWT settings' defaults (JWTConfiguration.swift).
struct JWTConfigurationTests {
    @Test func onlyTheIssuerIsRequired() {
        let jwt = JWTConfiguration(issuer: "https://auth.test")
        #expect(jwt.audience == nil && jwt.publicKeys.isEmpty && jwt.hs256SecretFile == nil)
        #expect(jwt.authorizationServers.isEmpty && jwt.requiredScopes.isEmpty && jwt.signingKeyFile == nil)
    }
}

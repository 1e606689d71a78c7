import Testing

@testable import Bastion

/// `[auth.jwt]` (JWTConfiguration+TOML.swift).
struct JWTConfigurationTOMLTests {
    typealias Support = ConfigurationTestSupport

    @Test func keysResolveAgainstTheFileAndTheAudienceDefaultsToThePublicURL() throws {
        let configuration = try Support.parse(
            """
            [transport.http]
            public_url = "https://mcp.example.com/mcp"

            [auth.jwt]
            issuer = "https://auth.example.com"
            public_keys = ["keys/jwt.pub"]
            hs256_secret_file = "/secret"
            signing_key_file = "keys/jwt.key"
            authorization_servers = ["https://auth.example.com"]
            required_scopes = ["mcp"]

            """ + Support.minimalClient
        )
        let jwt = try #require(configuration.jwt)
        #expect(jwt.issuer == "https://auth.example.com")
        #expect(jwt.audience == nil)
        #expect(configuration.http?.publicURL == "https://mcp.example.com/mcp")
        #expect(jwt.publicKeys == ["/etc/bastion/keys/jwt.pub"])
        #expect(jwt.hs256SecretFile == "/secret")
        #expect(jwt.signingKeyFile == "/etc/bastion/keys/jwt.key")
        #expect(jwt.requiredScopes == ["mcp"])
        // Rendered and parsed again, it is the same.
        #expect(try Support.parse(configuration.renderedTOML()).jwt == jwt)
    }

    @Test(
        arguments: [
            (
                "[auth.jwt]\npublic_keys = [\"/k\"]\naudience = \"a\"", "auth.jwt.issuer",
                ConfigurationError.Code.missingKey
            ),
            ("[auth.jwt]\nissuer = \"i\"\naudience = \"a\"", "auth.jwt.public_keys", .missingKey),
            ("[auth.jwt]\nissuer = \"i\"\npublic_keys = [\"/k\"]", "auth.jwt.audience", .missingKey),
            (
                "[auth.jwt]\nissuer = \"i\"\naudience = \"a\"\npublic_keys = [\"/k\"]\nalg = \"none\"", "auth.jwt.alg",
                .unknownKey
            ),
            ("[auth.oauth]\nx = 1", "auth.oauth", .unknownKey),
            ("[transport.http]\npublic_url = \"ftp://x\"", "transport.http.public_url", .invalidValue),
        ]
    )
    func refused(body: String, keyPath: String, code: ConfigurationError.Code) throws {
        let error = try Support.error(body + "\n" + Support.minimalClient)
        #expect(error.keyPath == keyPath)
        #expect(error.code == code)
    }
}

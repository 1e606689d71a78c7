/// JWT bearer tokens (`[auth.jwt]`): who issues them, for whom, and the keys that verify them.
public struct JWTConfiguration: Sendable, Hashable {
    /// The `iss` every token must carry (`issuer`).
    public var issuer: String
    /// The `aud` every token must carry: this server's resource id (`audience`, default
    /// `[transport.http] public_url`). A token for anything else is refused: no passthrough.
    public var audience: String?
    /// PEM public keys (RSA for RS256, P-256 for ES256, Ed25519 for EdDSA), absolute paths (`public_keys`).
    public var publicKeys: [String]
    /// A file holding the HS256 shared secret (`hs256_secret_file`).
    public var hs256SecretFile: String?
    /// The PEM private key `bastion token` signs with, for testing (`signing_key_file`).
    public var signingKeyFile: String?
    /// The authorization servers listed in the RFC 9728 metadata (`authorization_servers`).
    public var authorizationServers: [String]
    /// Scopes every token must hold (`required_scopes`); one missing is 403 `insufficient_scope`.
    public var requiredScopes: [String]

    /// Creates a JWT configuration.
    public init(
        issuer: String,
        audience: String? = nil,
        publicKeys: [String] = [],
        hs256SecretFile: String? = nil,
        signingKeyFile: String? = nil,
        authorizationServers: [String] = [],
        requiredScopes: [String] = []
    ) {
        self.issuer = issuer
        self.audience = audience
        self.publicKeys = publicKeys
        self.hs256SecretFile = hs256SecretFile
        self.signingKeyFile = signingKeyFile
        self.authorizationServers = authorizationServers
        self.requiredScopes = requiredScopes
    }
}

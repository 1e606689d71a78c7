extension JWTConfiguration {
    /// The keys of `[auth.jwt]`.
    static let tomlKeys = [
        "issuer", "audience", "public_keys", "hs256_secret_file", "signing_key_file", "authorization_servers",
        "required_scopes",
    ]

    /// Reads `[auth.jwt]`: an issuer and at least one way to verify a token.
    static func decode(_ reader: TOMLTableReader) throws(ConfigurationError) -> JWTConfiguration {
        let context = reader.context
        try reader.checkKeys(tomlKeys)
        guard let issuer = try reader.string("issuer"), !issuer.isEmpty else {
            throw context.error(.missingKey, at: reader.path.appending("issuer"), "[auth.jwt] needs an issuer")
        }
        var jwt = JWTConfiguration(issuer: issuer, audience: try reader.string("audience"))
        for key in try reader.stringArray("public_keys") ?? [] {
            jwt.publicKeys.append(try context.resolvePath(key.value, at: key.path))
        }
        if let secret = try reader.string("hs256_secret_file") {
            jwt.hs256SecretFile = try context.resolvePath(secret, at: reader.path.appending("hs256_secret_file"))
        }
        if let signing = try reader.string("signing_key_file") {
            jwt.signingKeyFile = try context.resolvePath(signing, at: reader.path.appending("signing_key_file"))
        }
        jwt.authorizationServers = (try reader.stringArray("authorization_servers") ?? []).map(\.value)
        jwt.requiredScopes = (try reader.stringArray("required_scopes") ?? []).map(\.value)
        guard !jwt.publicKeys.isEmpty || jwt.hs256SecretFile != nil else {
            throw context.error(
                .missingKey,
                at: reader.path.appending("public_keys"),
                "[auth.jwt] needs public_keys or hs256_secret_file to verify tokens with"
            )
        }
        return jwt
    }
}

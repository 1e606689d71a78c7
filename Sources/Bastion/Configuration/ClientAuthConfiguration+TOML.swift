import BastionSecurity

extension ClientAuthConfiguration {
    /// The keys of a client's `auth` table.
    static let tomlKeys = ["jwt_subject", "mtls_subject", "dbus_uid", "signature_key", "signature_key_file"]

    /// Reads an `auth` table; an absent table maps no peer to the client.
    static func decode(_ reader: TOMLTableReader?) throws(ConfigurationError) -> ClientAuthConfiguration {
        var auth = ClientAuthConfiguration()
        guard let reader else { return auth }
        try reader.checkKeys(tomlKeys)
        auth.jwtSubject = try subject("jwt_subject", reader)
        auth.mtlsSubject = try subject("mtls_subject", reader)
        // 4294967295 is (uid_t)-1, which means "no uid" to the kernel.
        auth.dbusUID = try reader.int("dbus_uid", in: 0...4_294_967_294)
        auth.signatureKey = try signatureKey(reader)
        if let file = try reader.string("signature_key_file") {
            guard auth.signatureKey == nil else {
                throw reader.context.error(
                    .invalidValue,
                    at: reader.path.appending("signature_key_file"),
                    "set signature_key or signature_key_file, not both"
                )
            }
            auth.signatureKeyFile = try reader.context.resolvePath(
                file,
                at: reader.path.appending("signature_key_file")
            )
        }
        return auth
    }

    /// `signature_key`, refused at start when it is not a usable key; the message never quotes it.
    private static func signatureKey(_ reader: TOMLTableReader) throws(ConfigurationError) -> SignatureKey? {
        guard let text = try reader.string("signature_key") else { return nil }
        do {
            return try SignatureKey(parsing: text)
        } catch {
            throw reader.context.error(
                .invalidValue,
                at: reader.path.appending("signature_key"),
                error.message
            )
        }
    }

    private static func subject(_ key: String, _ reader: TOMLTableReader) throws(ConfigurationError) -> String? {
        guard let subject = try reader.string(key) else { return nil }
        guard !subject.isEmpty, !subject.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw reader.context.error(
                .invalidValue,
                at: reader.path.appending(key),
                "a subject must be non-empty and free of control characters"
            )
        }
        return subject
    }
}

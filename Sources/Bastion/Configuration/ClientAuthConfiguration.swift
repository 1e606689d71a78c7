public import BastionSecurity

/// How an authenticated peer is mapped to a client (`auth = { … }` of a `[[clients]]` entry).
///
/// A field left `nil` means that the client cannot authenticate that way.
public struct ClientAuthConfiguration: Sendable, Hashable {
    /// The JWT `sub` claim that identifies this client (`jwt_subject`).
    public var jwtSubject: String?
    /// The TLS client certificate subject that identifies this client, e.g. `CN=claude` (`mtls_subject`).
    public var mtlsSubject: String?
    /// The D-Bus peer uid that identifies this client (`dbus_uid`).
    public var dbusUID: Int?
    /// The key that verifies this client's RFC 9421 signed requests, whose `keyid` is the client id
    /// (`signature_key`: `ed25519:BASE64` or `hmac-sha256:BASE64`). Rendered without an HMAC secret.
    public var signatureKey: SignatureKey?
    /// The file `signatureKey` is read from (`signature_key_file`, resolved), when the key is not
    /// written inline: an HMAC secret then stays out of the configuration file. The file is read by
    /// ``BastionConfiguration/load(path:environment:customPermissions:)`` (and on every reload).
    public var signatureKeyFile: String?

    /// Creates an authentication mapping.
    /// - Parameters:
    ///   - jwtSubject: The JWT `sub` claim of this client.
    ///   - mtlsSubject: The client certificate subject of this client.
    ///   - dbusUID: The D-Bus peer uid of this client.
    ///   - signatureKey: The key of this client's signed requests.
    ///   - signatureKeyFile: The file that key is read from.
    public init(
        jwtSubject: String? = nil,
        mtlsSubject: String? = nil,
        dbusUID: Int? = nil,
        signatureKey: SignatureKey? = nil,
        signatureKeyFile: String? = nil
    ) {
        self.signatureKeyFile = signatureKeyFile
        self.jwtSubject = jwtSubject
        self.mtlsSubject = mtlsSubject
        self.dbusUID = dbusUID
        self.signatureKey = signatureKey
    }
}

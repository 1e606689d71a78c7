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

    /// Creates an authentication mapping.
    /// - Parameters:
    ///   - jwtSubject: The JWT `sub` claim of this client.
    ///   - mtlsSubject: The client certificate subject of this client.
    ///   - dbusUID: The D-Bus peer uid of this client.
    ///   - signatureKey: The key of this client's signed requests.
    public init(
        jwtSubject: String? = nil,
        mtlsSubject: String? = nil,
        dbusUID: Int? = nil,
        signatureKey: SignatureKey? = nil
    ) {
        self.jwtSubject = jwtSubject
        self.mtlsSubject = mtlsSubject
        self.dbusUID = dbusUID
        self.signatureKey = signatureKey
    }
}

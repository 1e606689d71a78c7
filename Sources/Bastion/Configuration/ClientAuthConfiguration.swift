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

    /// Creates an authentication mapping.
    /// - Parameters:
    ///   - jwtSubject: The JWT `sub` claim of this client.
    ///   - mtlsSubject: The client certificate subject of this client.
    ///   - dbusUID: The D-Bus peer uid of this client.
    public init(jwtSubject: String? = nil, mtlsSubject: String? = nil, dbusUID: Int? = nil) {
        self.jwtSubject = jwtSubject
        self.mtlsSubject = mtlsSubject
        self.dbusUID = dbusUID
    }
}

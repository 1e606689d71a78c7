public import BastionProtocol

/// Step 1 of the security chain: turns what a transport knows about its peer into a client identity.
///
/// Network methods (JWT, mutual TLS, HTTP message signatures, D-Bus peer credentials) implement the
/// same protocol, so they plug into the pipeline without changing it.
public protocol Authenticator: Sendable {
    /// Authenticates a peer.
    /// - Parameters:
    ///   - credentials: What the transport observed.
    ///   - transport: The transport's name for the identity (`stdio`, `http`, …).
    /// - Returns: The identity of a configured client.
    /// - Throws: ``AuthenticationError`` when the credentials prove nothing acceptable.
    func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
}

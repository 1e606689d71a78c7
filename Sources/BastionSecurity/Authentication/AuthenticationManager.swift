public import BastionProtocol

/// Step 1 of the security chain for every transport: picks the authenticator that accepts the
/// credentials a transport observed, and reports every failure before the peer is refused.
///
/// Transports call only ``authenticate(_:transport:)``; adding a method (JWT, mutual TLS, HTTP
/// message signatures, D-Bus peer credentials) means adding an ``Authenticator``, nothing else.
public struct AuthenticationManager: Sendable {
    /// Receives each failure (the audit record); never sees a secret.
    public typealias FailureHandler =
        @Sendable (_ error: AuthenticationError, _ credentials: String, _ transport: String) ->
        Void

    private let authenticators: [any Authenticator]
    private let onFailure: FailureHandler

    /// Creates a manager.
    /// - Parameters:
    ///   - authenticators: Tried in order; the first that does not answer `unsupportedCredentials` decides.
    ///   - onFailure: Called once per failed attempt with the error, the credential kind and the transport.
    public init(authenticators: [any Authenticator], onFailure: @escaping FailureHandler) {
        self.authenticators = authenticators
        self.onFailure = onFailure
    }

    /// Authenticates a peer.
    /// - Parameters:
    ///   - credentials: What the transport observed.
    ///   - transport: The transport's name (`stdio`, `http`, …).
    /// - Returns: The identity of a configured client.
    /// - Throws: ``AuthenticationError``; the failure handler has already run.
    public func authenticate(
        _ credentials: TransportCredentials,
        transport: String
    ) throws(AuthenticationError)
        -> ClientIdentity
    {
        var failure = AuthenticationError(
            code: .unsupportedCredentials,
            message: "no authentication method accepts \(credentials.kindName) credentials on \(transport)"
        )
        for authenticator in authenticators {
            do {
                return try authenticator.authenticate(credentials, transport: transport)
            } catch  where error.code == .unsupportedCredentials {
                continue
            } catch {
                failure = error
                break
            }
        }
        onFailure(failure, credentials.kindName, transport)
        throw failure
    }
}
